using System.Collections;
using System.Reflection;
using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Signatures;
using FsCheck;
using FsCheck.Fluent;

namespace FleetTwins.Ingestion.Tests;

/// <summary>
/// Every parser, fed the providers' examples mutated at random (bytes flipped, cut short, hostile tokens spliced
/// in: NaN, 1e999, control characters, lone surrogates, deep nesting, unicode digits, huge strings; escaped control
/// characters and lone surrogates written into any key or string value) and plain random bytes: it never throws, a
/// refusal always says why, and whatever it accepts is in range — no NaN or infinity, no coordinates off the globe,
/// no SOC outside 0–100, and no text (a value, a dictionary key, an event type) holding a control character or a
/// lone UTF-16 surrogate.
/// </summary>
public sealed class HostileInputProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(400).WithQuietOnSuccess(true);

    private static readonly string[] HostileTokens =
    [
        "NaN", "Infinity", "-Infinity", "1e999", "-1e400", "1e-400", "99999999999999999999999999", "-0", "0x10",
        "\"\\u0000\"", "\"\\u001b[31m\"", "\"\\ud800\"", "\"\u0663\u0665\u0660\"", "null", "true", "[]", "{}", "\"\"",
        "{\"a\":", "]", "}", ",", ":", "\"", "\\", "\u00ff", "\ud83d\ude97",
        new string('[', 300) + new string(']', 300),
        "\"" + new string('x', 70_000) + "\"",
    ];

    /// <summary>Escaped JSON string content that is valid JSON but not acceptable text (controls, C1, lone surrogates).</summary>
    private static readonly string[] HostileText =
    [
        "\\u0000", "\\u0001", "\\u001b[31m", "\\u007f", "\\u0085", "\\t", "\\n", "\\r\\n", "\\ud800", "\\udc00", "\\ud83d",
        "x\\udfff",
    ];

    private static Gen<byte[]> Mutated(IReadOnlyList<byte[]> seeds) =>
        from seed in Gen.Elements(seeds.ToArray())
        from steps in Gen.Choose(1, 4)
        from mutations in Gen.ListOf(Mutation, steps)
        select mutations.Aggregate(seed, (body, mutate) => mutate(body));

    private static readonly Gen<Func<byte[], byte[]>> Mutation = Gen.OneOf(
        from at in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (Func<byte[], byte[]>)(body => Flip(body, at, (byte)value)),
        from at in Gen.Choose(0, int.MaxValue)
        select (Func<byte[], byte[]>)(body => body[..(body.Length == 0 ? 0 : at % body.Length)]),
        from at in Gen.Choose(0, int.MaxValue)
        from token in Gen.Elements(HostileTokens)
        select (Func<byte[], byte[]>)(body => Splice(body, at, Encoding.UTF8.GetBytes(token))),
        from token in Gen.Elements(HostileTokens)
        select (Func<byte[], byte[]>)(body => ReplaceFirstValue(body, token)),
        from at in Gen.Choose(0, int.MaxValue)
        from text in Gen.Elements(HostileText)
        from append in Gen.Elements(true, false)
        select (Func<byte[], byte[]>)(body => IntoString(body, at, text, append)));

    private static readonly Gen<byte[]> RandomBytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

    public static TheoryData<string> Providers => new() { "telematica", "volteras", "tracker", "invers" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Mutated_examples_never_throw_and_are_refused_with_a_reason_or_accepted_in_range(string provider)
    {
        var parse = Parser(provider);
        var seeds = Fixture.Files(provider).Select(Fixture.Bytes).ToList();
        Prop.ForAll(Mutated(seeds).ToArbitrary(), body => Check(parse(body))).Check(Config);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Random_bytes_never_throw_and_are_refused_with_a_reason(string provider)
    {
        var parse = Parser(provider);
        Prop.ForAll(RandomBytes.ToArbitrary(), body =>
        {
            var outcome = parse(body);
            Check(outcome);
            Assert.False(outcome is ParseOutcome.Accepted, "random bytes were accepted");
        }).Check(Config);
    }

    [Fact]
    public void The_verifier_never_throws_and_accepts_nothing_but_an_intact_signed_delivery()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var verifier = new SvixVerifier([secret]);
        var now = Fixture.ReceivedAt;
        var body = Fixture.Bytes(Fixture.Files("volteras").First());
        var signature = SvixVerifier.Sign(secret, "msg_1", now, body);
        var headers = new SvixHeaders("msg_1", now.ToUnixTimeSeconds().ToString(), signature);
        Assert.True(verifier.Verify(headers, body, now).IsValid);

        var hostileHeader = Gen.OneOf(
            Gen.Elements(HostileTokens),
            Gen.Elements("v1,", "v1,====", "v2," + signature[3..], signature.ToUpperInvariant(), "", " "),
            Gen.Choose(0, int.MaxValue).Select(i => signature.Remove(i % signature.Length, 1)));
        var cases = Gen.OneOf(
            // the body changed: any flipped byte or splice
            Mutated([body]).Where(b => !b.AsSpan().SequenceEqual(body)).Select(b => (headers, b)),
            // a header changed
            hostileHeader.Select(h => (headers with { Signature = h }, body)),
            hostileHeader.Select(h => (headers with { Id = h }, body)),
            hostileHeader.Select(h => (headers with { Timestamp = h }, body)),
            // replayed outside the tolerance
            Gen.Choose(301, 10_000_000).Select(s => (headers with { Timestamp = (now.ToUnixTimeSeconds() - s).ToString() }, body)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var verification = verifier.Verify(c.Item1, c.Item2, now);
            Assert.False(verification.IsValid, $"accepted: id={c.Item1.Id} ts={c.Item1.Timestamp} sig={c.Item1.Signature}");
            Assert.False(string.IsNullOrWhiteSpace(verification.Error));
        }).Check(Config);
    }

    [Fact]
    public void A_signature_made_with_another_providers_secret_is_refused()
    {
        var now = Fixture.ReceivedAt;
        var body = Encoding.UTF8.GetBytes("{}");
        var telematica = SvixVerifier.Sign("whsec_dGVsZW1hdGljYS1zZWNyZXQtb2YtdGhpcy10ZXN0", "msg_1", now, body);

        var volteras = new SvixVerifier(["whsec_dm9sdGVyYXMtc2VjcmV0LW9mLXRoaXMtdGVzdA=="]);

        Assert.False(volteras.Verify(new SvixHeaders("msg_1", now.ToUnixTimeSeconds().ToString(), telematica), body, now).IsValid);
    }

    private static Func<byte[], ParseOutcome> Parser(string provider) => provider switch
    {
        "telematica" => body => TelematicaParser.Parse(body, Fixture.ReceivedAt, Fixture.Limit),
        "volteras" => body => VolterasParser.Parse(body, null, Fixture.ReceivedAt, Fixture.Limit),
        "tracker" => body => TrackerParser.Parse(body, TimeSpan.FromMinutes(2), Fixture.Limit).Outcome,
        "invers" => body => InversParser.Parse(body, Fixture.Limit).Outcome,
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    private static void Check(ParseOutcome outcome)
    {
        switch (outcome)
        {
            case ParseOutcome.Invalid invalid:
                Assert.False(string.IsNullOrWhiteSpace(invalid.Reason));
                break;
            case ParseOutcome.UnknownType unknown:
                Assert.False(string.IsNullOrWhiteSpace(unknown.EventType));
                CleanText(unknown.EventType, "the unknown event type"); // a metrics label
                break;
            case ParseOutcome.Accepted accepted:
                CleanText(accepted.EventType, "the event type");
                foreach (var delivery in accepted.Deliveries)
                {
                    InRange(delivery, depth: 0);
                }

                break;
            default:
                Assert.Fail($"unexpected outcome {outcome}");
                break;
        }
    }

    /// <summary>Every number reachable from an accepted delivery is finite, positions and SOC are in range, and every text is clean.</summary>
    private static void InRange(object? value, int depth)
    {
        if (value is string text)
        {
            CleanText(text, "a text");
            return;
        }

        if (value is null || depth > 8 || value.GetType().IsEnum || value is DateTimeOffset or TimeSpan)
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                InRange(item is DictionaryEntry entry ? entry.Value : item, depth + 1);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }

            var v = property.GetValue(value);
            if (v is string s)
            {
                CleanText(s, $"{value.GetType().Name}.{property.Name}");
            }
            else if (v is double d)
            {
                Assert.True(double.IsFinite(d), $"{value.GetType().Name}.{property.Name} = {d}");
                switch (value, property.Name)
                {
                    case (LocationReported, "Latitude"):
                        Assert.InRange(d, -90, 90);
                        break;
                    case (LocationReported, "Longitude"):
                        Assert.InRange(d, -180, 180);
                        break;
                    case (StateOfChargeReported, "Percent"):
                        Assert.InRange(d, 0, 100);
                        break;
                }
            }
            else if (v is not null && !v.GetType().IsPrimitive && v.GetType().Namespace?.StartsWith("FleetTwins", StringComparison.Ordinal) == true
                     || v is IEnumerable and not string)
            {
                InRange(v, depth + 1);
            }
        }
    }

    /// <summary>No control character (C0, DEL, C1) and no UTF-16 surrogate without its pair.</summary>
    private static void CleanText(string text, string what)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            Assert.False(char.IsControl(c), $"{what} holds the control character U+{(int)c:X4}: {Escape(text)}");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            Assert.False(char.IsSurrogate(c), $"{what} holds a lone surrogate U+{(int)c:X4}: {Escape(text)}");
        }
    }

    private static string Escape(string text) => string.Concat(text.Take(80).Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Writes <paramref name="text"/> (escaped JSON content) into one of the body's strings, a key or a value, in place of or after its content.</summary>
    private static byte[] IntoString(byte[] body, int at, string text, bool append)
    {
        var strings = new List<(int Start, int End)>(); // content between the quotes
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != (byte)'"')
            {
                continue;
            }

            var start = i + 1;
            for (i = start; i < body.Length && body[i] != (byte)'"'; i++)
            {
                if (body[i] == (byte)'\\')
                {
                    i++;
                }
            }

            if (i < body.Length)
            {
                strings.Add((start, i));
            }
        }

        if (strings.Count == 0)
        {
            return body;
        }

        var (from, to) = strings[at % strings.Count];
        return [.. body[..(append ? to : from)], .. Encoding.UTF8.GetBytes(text), .. body[to..]];
    }

    private static byte[] Flip(byte[] body, int at, byte value)
    {
        if (body.Length == 0)
        {
            return [value];
        }

        var copy = (byte[])body.Clone();
        copy[at % copy.Length] = value;
        return copy;
    }

    private static byte[] Splice(byte[] body, int at, byte[] token)
    {
        var i = body.Length == 0 ? 0 : at % body.Length;
        return [.. body[..i], .. token, .. body[i..]];
    }

    /// <summary>The first value after a colon (a number, string, literal) replaced by the token.</summary>
    private static byte[] ReplaceFirstValue(byte[] body, string token)
    {
        var text = Encoding.UTF8.GetString(body);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return body;
        }

        var end = text.IndexOfAny([',', '}', ']'], colon + 1);
        return Encoding.UTF8.GetBytes(text[..(colon + 1)] + token + (end < 0 ? "" : text[end..]));
    }
}
