using System.Text;

namespace FleetTwins.Search.Filters;

/// <summary>The filter language's tokens.</summary>
public static partial class FilterParser
{
    private enum Kind
    {
        Word,
        Text,
        Number,
        Operator,
        Open,
        Close,
        Comma,

        /// <summary>A lone <c>+</c> or <c>-</c>, as in <c>now() - 10m</c>.</summary>
        Sign,
        End,
    }

    /// <summary>A token; a number keeps the unit letters written right after it (<c>5km</c>, <c>2h</c>).</summary>
    private readonly record struct Token(Kind Kind, string Text, int Position, string Unit = "");

    private static class Lexer
    {
        public static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                var at = i + 1;
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')' or ',')
                {
                    tokens.Add(new(c == '(' ? Kind.Open : c == ')' ? Kind.Close : Kind.Comma, c.ToString(), at));
                    i++;
                }
                else if (c is '=' or '!' or '<' or '>')
                {
                    var two = i + 1 < text.Length && text[i + 1] == '=';
                    var op = two ? text.Substring(i, 2) : c.ToString();
                    if (op == "!")
                    {
                        throw new FilterException(at, "'!' must be followed by '=' (not equal); use 'not' to negate");
                    }

                    tokens.Add(new(Kind.Operator, op, at));
                    i += op.Length;
                }
                else if (c == '"')
                {
                    var value = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new FilterException(at, "the quoted text is not closed with '\"'");
                        }

                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                        {
                            value.Append(text[i + 1]);
                            i += 2;
                        }
                        else if (text[i] == '"')
                        {
                            i++;
                            break;
                        }
                        else if (char.IsControl(text[i]))
                        {
                            throw new FilterException(i + 1, "quoted text may not hold control characters");
                        }
                        else
                        {
                            value.Append(text[i++]);
                        }
                    }

                    tokens.Add(new(Kind.Text, value.ToString(), at));
                }
                else if (char.IsAsciiDigit(c) || (c is '-' or '+' or '.' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
                {
                    var start = i++;
                    // A colon between digits keeps a time of day (07:30) one token.
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'
                        || (text[i] == ':' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
                    {
                        i++;
                    }

                    var number = text[start..i];
                    var unitStart = i;
                    while (i < text.Length && char.IsAsciiLetter(text[i]))
                    {
                        i++;
                    }

                    tokens.Add(new(Kind.Number, number, at, text[unitStart..i]));
                }
                else if (c is '-' or '+')
                {
                    tokens.Add(new(Kind.Sign, c.ToString(), at));
                    i++;
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' or ':'))
                    {
                        i++;
                    }

                    tokens.Add(new(Kind.Word, text[start..i], at));
                }
                else
                {
                    throw new FilterException(at, $"unexpected character '{Printable(c)}'");
                }
            }

            tokens.Add(new(Kind.End, "", text.Length + 1));
            return tokens;
        }

        private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString();
    }
}
