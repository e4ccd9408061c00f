using System.Globalization;

namespace FleetTwins.Search.Filters;

/// <summary>The conditions written as functions or of "now": near, inside, changed, localTime, weekday, now().</summary>
public static partial class FilterParser
{
    /// <summary>The longest id of a geofence (as every id of the API).</summary>
    public const int MaxIdLength = 64;

    private static readonly string[] TimeOfDayFormats = ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"];

    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mon"] = DayOfWeek.Monday,
        ["tue"] = DayOfWeek.Tuesday,
        ["wed"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday,
        ["sat"] = DayOfWeek.Saturday,
        ["sun"] = DayOfWeek.Sunday,
    };

    private sealed partial class Parser<T>
    {
        /// <summary>The condition <paramref name="name"/> (already read) starts when it names a function; null when it is a field.</summary>
        private Filter? ParseFunction(Token name)
        {
            if (Peek.Kind == Kind.Open)
            {
                if (IsKeyword(name, "near"))
                {
                    return ParseNear(name);
                }

                if (IsKeyword(name, "inside"))
                {
                    return ParseInside(name);
                }

                if (IsKeyword(name, "changed"))
                {
                    return ParseChanged(name);
                }
            }

            return IsKeyword(name, "localTime") ? ParseLocalTime()
                : IsKeyword(name, "weekday") ? ParseWeekday(name)
                : null;
        }

        private Field Find(Token name) => fields.Find(name.Text)
            ?? throw new FilterException(name.Position, $"unknown field '{name.Text}'; fields are {fields.Names}");

        private bool IsNow(Token token) =>
            IsKeyword(token, "now") && next + 1 < tokens.Count && tokens[next + 1].Kind == Kind.Open;

        /// <summary><c>now()</c>, <c>now() - 10m</c>, <c>now() + 2h</c> (also written <c>now()-10m</c>).</summary>
        private RelativeTime ParseNow(Field field)
        {
            var now = Peek;
            if (field.Type != FieldType.Time)
            {
                throw new FilterException(now.Position, $"now() is a time and '{field.Name}' is {Describe(field.Type)}: compare now() with a time field such as lastSeenAt");
            }

            next++;
            Expect(Kind.Open, "'(' after now");
            Expect(Kind.Close, "')': now() takes no arguments");
            var sign = Peek;
            if (sign.Kind == Kind.Sign)
            {
                next++;
                var amount = Peek;
                if (amount.Kind != Kind.Number || amount.Text[0] is '-' or '+')
                {
                    throw new FilterException(amount.Position, $"expected a duration such as 10m after '{sign.Text}', found '{amount.Text}{amount.Unit}'");
                }

                next++;
                return new RelativeTime(sign.Text == "-" ? -Duration(amount) : Duration(amount));
            }

            if (sign.Kind == Kind.Number && sign.Text[0] is '-' or '+')
            {
                next++;
                var duration = Duration(sign with { Text = sign.Text[1..] });
                return new RelativeTime(sign.Text[0] == '-' ? -duration : duration);
            }

            return new RelativeTime(TimeSpan.Zero);
        }

        private Inside ParseInside(Token inside)
        {
            var geofences = fields.Geofences
                ?? throw new FilterException(inside.Position, "inside() does not apply here: these records are in no geofences");
            Expect(Kind.Open, "'(' after inside");
            var id = Peek;
            var text = id.Kind switch
            {
                Kind.Word or Kind.Text => id.Text,
                Kind.Number => id.Text + id.Unit,
                _ => throw new FilterException(id.Position, "inside() needs a geofence id, e.g. inside(depot-berlin)"),
            };
            if (text.Length is 0 or > MaxIdLength || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new FilterException(id.Position, $"'{text}' is not a geofence id: 1 to {MaxIdLength} letters, digits, '-', '_' or '.'");
            }

            next++;
            Expect(Kind.Close, "')' to close inside(");
            return new Inside(geofences, text);
        }

        /// <summary><c>tags has "depot-a"</c> (the list field already read): a value of the list's id syntax.</summary>
        private Has ParseHas(Field list)
        {
            if (!IsKeyword(Peek, "has"))
            {
                throw new FilterException(Peek.Position, $"'{list.Name}' is a list: test it with '{list.Name} has \"value\"'");
            }

            next++;
            var value = Peek;
            var text = value.Kind switch
            {
                Kind.Word or Kind.Text => value.Text,
                Kind.Number => value.Text + value.Unit,
                _ => throw new FilterException(value.Position, value.Kind == Kind.End
                    ? $"expected a value after '{list.Name} has', found the end of the filter"
                    : $"expected a value after '{list.Name} has', found '{value.Text}'"),
            };
            if (text.Length is 0 or > MaxIdLength || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new FilterException(value.Position, $"'{text}' cannot be in '{list.Name}': 1 to {MaxIdLength} letters, digits, '-', '_' or '.'");
            }

            next++;
            return new Has(list, text);
        }

        private Changed ParseChanged(Token changed)
        {
            if (!context.AllowsChanged)
            {
                throw new FilterException(changed.Position, "changed() is only for rules: a search has no previous state to compare with");
            }

            Expect(Kind.Open, "'(' after changed");
            var name = Peek;
            if (name.Kind != Kind.Word)
            {
                throw new FilterException(name.Position, "changed() needs a field, e.g. changed(charging)");
            }

            var field = Find(name);
            if (field.Type == FieldType.Duration)
            {
                throw new FilterException(name.Position, $"'{field.Name}' changes with time alone; use changed() on the time it is counted from");
            }

            next++;
            Expect(Kind.Close, "')' to close changed(");
            return new Changed(field, changed.Position);
        }

        /// <summary><c>localTime [not] between 07:00 and 19:00</c>.</summary>
        private Filter ParseLocalTime()
        {
            var negated = IsKeyword(Peek, "not");
            if (negated)
            {
                next++;
            }

            if (!IsKeyword(Peek, "between"))
            {
                throw new FilterException(Peek.Position, $"expected 'between' or 'not between' after 'localTime', found '{Peek.Text}{Peek.Unit}'");
            }

            next++;
            var fromToken = Peek;
            var from = TimeOfDay();
            if (!IsKeyword(Peek, "and"))
            {
                throw new FilterException(Peek.Position, $"expected 'and' between the two times of day, found '{Peek.Text}{Peek.Unit}'");
            }

            next++;
            var to = TimeOfDay();
            if (from == to)
            {
                throw new FilterException(fromToken.Position, "the window is empty: its start and end are the same time of day");
            }

            var window = new LocalTimeBetween(from, to, context.Zone);
            return negated ? new Not(window) : window;
        }

        private TimeOnly TimeOfDay()
        {
            var token = Peek;
            var text = token.Kind is Kind.Number or Kind.Text ? token.Text + token.Unit : "";
            if (!TimeOnly.TryParseExact(text, TimeOfDayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                throw new FilterException(token.Position, token.Kind == Kind.End
                    ? "expected a time of day such as 07:00, found the end of the filter"
                    : $"'{token.Text}{token.Unit}' is not a time of day: use HH:mm from 00:00 to 23:59, e.g. 07:00");
            }

            next++;
            return time;
        }

        /// <summary><c>weekday = mon</c>, <c>weekday != sun</c>, <c>weekday in (sat, sun)</c>.</summary>
        private Filter ParseWeekday(Token weekday)
        {
            if (IsKeyword(Peek, "in"))
            {
                next++;
                Expect(Kind.Open, "'(' after 'in'");
                var days = new List<DayOfWeek> { Day() };
                while (Peek.Kind == Kind.Comma)
                {
                    next++;
                    days.Add(Day());
                }

                Expect(Kind.Close, "',' or ')' in the 'in' list");
                return new WeekdayIn(days.Distinct().ToList(), context.Zone);
            }

            var op = Peek;
            if (op.Kind != Kind.Operator || op.Text is not ("=" or "!="))
            {
                throw new FilterException(op.Position, $"'{weekday.Text}' takes =, != or 'in', e.g. weekday in (sat, sun)");
            }

            next++;
            var day = new WeekdayIn([Day()], context.Zone);
            return op.Text == "=" ? day : new Not(day);
        }

        private DayOfWeek Day()
        {
            var token = Peek;
            if (token.Kind != Kind.Word || !Days.TryGetValue(token.Text, out var day))
            {
                throw new FilterException(token.Position, $"unknown weekday '{token.Text}{token.Unit}'; use mon, tue, wed, thu, fri, sat or sun");
            }

            next++;
            return day;
        }

        private static string Describe(FieldType type) => type switch
        {
            FieldType.Number => "a number",
            FieldType.Boolean => "true or false",
            FieldType.Duration => "a duration",
            FieldType.TextList => "a list",
            _ => "text",
        };
    }
}
