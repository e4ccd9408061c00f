using System.Globalization;
using FleetTwins.Abstractions.Fleet;

namespace FleetTwins.Search.Filters;

/// <summary>
/// Parses the filter language, strictly: anything it does not understand is a <see cref="FilterException"/> that
/// says where. Filters are over vehicles (<see cref="Fields.Vehicles"/>) unless another catalogue is given.
/// <code>
/// filter     := or
/// or         := and ( "or" and )*
/// and        := unary ( "and" unary )*
/// unary      := "not" unary | "(" or ")" | near | inside | changed | localtime | weekday | comparison | in | has
/// comparison := field ( "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) ( value | now )
/// in         := field "in" "(" value ( "," value )* ")"
/// near       := "near" "(" latitude "," longitude "," distance ")"      e.g. near(52.52, 13.405, 5km)
/// inside     := "inside" "(" geofence-id ")"
/// has        := list-field "has" value                                   e.g. tags has "depot-a"
/// changed    := "changed" "(" field ")"                                  rules only
/// localtime  := "localTime" [ "not" ] "between" time-of-day "and" time-of-day     e.g. 07:00, 22:30
/// weekday    := "weekday" ( "=" | "!=" ) day | "weekday" "in" "(" day ( "," day )* ")"   mon..sun
/// now        := "now" "(" ")" [ ( "+" | "-" ) duration ]                 time fields only
/// value      := number | "quoted text" | bare-word | true | false | null | duration (30s, 15m, 2h, 1d)
/// </code>
/// Keywords are case-insensitive; field names too. Text compares exactly (case-sensitive, ordinal).
/// </summary>
public static partial class FilterParser
{
    public const int MaxLength = 2000;
    public const int MaxDepth = 32;
    public const int MaxTerms = 64;

    /// <summary>Parses a filter over vehicles.</summary>
    public static Filter Parse(string? text, FilterContext? context = null) => Parse(text, Fields.Vehicles, context);

    /// <summary>Parses a filter over the records <paramref name="fields"/> describes.</summary>
    public static Filter Parse<T>(string? text, FieldCatalogue<T> fields, FilterContext? context = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Filter.All;
        }

        if (text.Length > MaxLength)
        {
            throw new FilterException(MaxLength + 1, $"a filter is at most {MaxLength} characters");
        }

        var parser = new Parser<T>(Lexer.Tokenize(text), fields, context ?? FilterContext.Default);
        var filter = parser.ParseOr(0);
        parser.ExpectEnd();
        return filter;
    }

    private sealed partial class Parser<T>(List<Token> tokens, FieldCatalogue<T> fields, FilterContext context)
    {
        private int next;
        private int terms;

        private Token Peek => tokens[next];

        public void ExpectEnd()
        {
            if (Peek.Kind != Kind.End)
            {
                throw new FilterException(Peek.Position, $"expected 'and', 'or' or the end of the filter, found '{Peek.Text}'");
            }
        }

        public Filter ParseOr(int depth)
        {
            var left = ParseAnd(depth);
            while (IsKeyword(Peek, "or"))
            {
                next++;
                left = new Or(left, ParseAnd(depth));
            }

            return left;
        }

        private Filter ParseAnd(int depth)
        {
            var left = ParseUnary(depth);
            while (IsKeyword(Peek, "and"))
            {
                next++;
                left = new And(left, ParseUnary(depth));
            }

            return left;
        }

        private Filter ParseUnary(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new FilterException(Peek.Position, $"the filter nests deeper than {MaxDepth} levels");
            }

            var token = Peek;
            if (IsKeyword(token, "not"))
            {
                next++;
                return new Not(ParseUnary(depth + 1));
            }

            if (token.Kind == Kind.Open)
            {
                next++;
                var inner = ParseOr(depth + 1);
                Expect(Kind.Close, "')' to close the '(' at " + token.Position);
                return inner;
            }

            if (token.Kind != Kind.Word)
            {
                throw new FilterException(token.Position, token.Kind == Kind.End
                    ? "expected a condition, found the end of the filter"
                    : $"expected a field name, 'not', 'near(...)' or '(', found '{token.Text}'");
            }

            if (++terms > MaxTerms)
            {
                throw new FilterException(token.Position, $"a filter has at most {MaxTerms} conditions");
            }

            next++;
            if (ParseFunction(token) is { } function)
            {
                return function;
            }

            if (fields.FindList(token.Text) is { } list)
            {
                return ParseHas(list);
            }

            var field = Find(token);
            if (IsKeyword(Peek, "has"))
            {
                throw new FilterException(Peek.Position, $"'has' tests a list ({string.Join(", ", fields.Lists.Select(f => f.Name))}); '{field.Name}' is {Describe(field.Type)}");
            }

            if (IsKeyword(Peek, "in"))
            {
                next++;
                return ParseIn(field);
            }

            var opToken = Peek;
            if (opToken.Kind != Kind.Operator)
            {
                throw new FilterException(opToken.Position, $"expected an operator (=, !=, <, <=, >, >=) or 'in' after '{field.Name}'");
            }

            next++;
            var op = opToken.Text switch
            {
                "=" => Operator.Equal,
                "!=" => Operator.NotEqual,
                "<" => Operator.Less,
                "<=" => Operator.LessOrEqual,
                ">" => Operator.Greater,
                _ => Operator.GreaterOrEqual,
            };
            var valueToken = Peek;
            if (IsKeyword(valueToken, "null"))
            {
                next++;
                if (op is not (Operator.Equal or Operator.NotEqual))
                {
                    throw new FilterException(opToken.Position, $"'{field.Name}' can only be compared to null with = or !=");
                }

                return new Comparison(field, op, null);
            }

            if (field.Type == FieldType.Boolean && op is not (Operator.Equal or Operator.NotEqual))
            {
                throw new FilterException(opToken.Position, $"'{field.Name}' is true or false: compare it with = or !=");
            }

            return new Comparison(field, op, IsNow(valueToken) ? ParseNow(field) : ParseValue(field));
        }

        private In ParseIn(Field field)
        {
            if (field.Type is FieldType.Boolean or FieldType.Duration)
            {
                throw new FilterException(tokens[next - 1].Position, $"'in' does not apply to '{field.Name}'");
            }

            Expect(Kind.Open, "'(' after 'in'");
            var values = new List<object> { ParseValue(field) };
            while (Peek.Kind == Kind.Comma)
            {
                next++;
                values.Add(ParseValue(field));
                if (values.Count > MaxTerms)
                {
                    throw new FilterException(Peek.Position, $"'in' takes at most {MaxTerms} values");
                }
            }

            Expect(Kind.Close, "',' or ')' in the 'in' list");
            return new In(field, values);
        }

        private Near ParseNear(Token near)
        {
            // Its SQL and in-memory forms read a vehicle's position; other records have none.
            if (typeof(T) != typeof(VehicleSummary))
            {
                throw new FilterException(near.Position, "near() applies to vehicles only");
            }


            Expect(Kind.Open, "'(' after near");
            var latitude = ParseNumber("a latitude");
            Expect(Kind.Comma, "',' after the latitude");
            var longitude = ParseNumber("a longitude");
            Expect(Kind.Comma, "',' after the longitude");
            var distanceToken = Peek;
            var radius = ParseNumber("a distance such as 5km or 800m", allowUnit: true);
            var km = distanceToken.Unit.ToLowerInvariant() switch
            {
                "km" => radius,
                "m" => radius / 1000,
                "" => throw new FilterException(distanceToken.Position, "the distance needs a unit: km or m (e.g. 5km)"),
                var unit => throw new FilterException(distanceToken.Position, $"unknown distance unit '{unit}'; use km or m"),
            };
            Expect(Kind.Close, "')' to close near(");
            if (latitude is < -90 or > 90 || longitude is < -180 or > 180)
            {
                throw new FilterException(near.Position, "near(latitude, longitude, ...) needs -90..90 and -180..180");
            }

            if (km is < 0 or > 20_038)
            {
                throw new FilterException(distanceToken.Position, "the distance must be from 0 to 20038 km");
            }

            return new Near(latitude, longitude, km);
        }

        private object ParseValue(Field field)
        {
            var token = Peek;
            if (IsNow(token))
            {
                throw new FilterException(token.Position, "'in' takes values; compare with now() using <, <=, > or >=");
            }

            next++;
            switch (field.Type)
            {
                case FieldType.Text when token.Kind is Kind.Text or Kind.Word && !IsKeyword(token, "null"):
                    return token.Text;
                case FieldType.Text when token.Kind == Kind.Number:
                    return token.Text + token.Unit;
                case FieldType.Number when token.Kind == Kind.Number && token.Unit.Length == 0:
                    return Number(token);
                case FieldType.Boolean when IsKeyword(token, "true") || IsKeyword(token, "false"):
                    return IsKeyword(token, "true");
                case FieldType.Time when token.Kind is Kind.Text or Kind.Word:
                    return DateTimeOffset.TryParse(token.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                        ? VehicleSummary.Micros(at.ToUniversalTime())
                        : throw new FilterException(token.Position, $"'{field.Name}' needs an ISO 8601 time such as \"2026-01-15T10:30:00Z\"");
                case FieldType.Duration when token.Kind == Kind.Number:
                    return Duration(token);
                default:
                    throw new FilterException(token.Position, field.Type switch
                    {
                        FieldType.Number => $"'{field.Name}' is a number: expected a number, found '{token.Text}{token.Unit}'",
                        FieldType.Boolean => $"'{field.Name}' is true or false, found '{token.Text}'",
                        FieldType.Duration => $"'{field.Name}' is a duration such as 30s, 15m, 2h or 1d, found '{token.Text}'",
                        FieldType.Time => $"'{field.Name}' needs an ISO 8601 time in quotes, found '{token.Text}'",
                        _ => token.Kind == Kind.End ? $"expected a value for '{field.Name}', found the end of the filter" : $"expected a value for '{field.Name}', found '{token.Text}'",
                    });
            }
        }

        private double ParseNumber(string what, bool allowUnit = false)
        {
            var token = Peek;
            if (token.Kind != Kind.Number || (!allowUnit && token.Unit.Length > 0))
            {
                throw new FilterException(token.Position, $"expected {what}, found '{token.Text}{token.Unit}'");
            }

            next++;
            return Number(token);
        }

        private static double Number(Token token) =>
            double.TryParse(token.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && Math.Abs(value) < 1e15
                ? value
                : throw new FilterException(token.Position, $"'{token.Text}' is not a number");

        private static TimeSpan Duration(Token token)
        {
            var amount = Number(token);
            var unit = token.Unit.ToLowerInvariant() switch
            {
                "s" or "sec" => TimeSpan.FromSeconds(1),
                "m" or "min" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                "" => throw new FilterException(token.Position, "a duration needs a unit: s, m, h or d (e.g. 2h)"),
                var other => throw new FilterException(token.Position, $"unknown duration unit '{other}'; use s, m, h or d"),
            };
            if (amount < 0 || amount * unit.TotalDays > 36_500)
            {
                throw new FilterException(token.Position, "a duration must be positive and under a century");
            }

            return TimeSpan.FromTicks((long)(amount * unit.Ticks) / 10 * 10);
        }

        private void Expect(Kind kind, string what)
        {
            if (Peek.Kind != kind)
            {
                throw new FilterException(Peek.Position, Peek.Kind == Kind.End ? $"expected {what}, found the end of the filter" : $"expected {what}, found '{Peek.Text}{Peek.Unit}'");
            }

            next++;
        }

        private static bool IsKeyword(Token token, string keyword) =>
            token.Kind == Kind.Word && token.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    }
}
