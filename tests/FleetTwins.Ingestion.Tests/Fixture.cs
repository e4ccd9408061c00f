using System.Text;
namespace FleetTwins.Ingestion.Tests;

/// <summary>Provider payloads kept as files: the providers' published examples, plus variants derived from them.</summary>
public static class Fixture
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The host's clock when the examples arrive: at <see cref="ReceivedAt"/>, with the default future skew.</summary>
    public static readonly Parsing.FutureLimit Limit = new(ReceivedAt, Parsing.FutureLimit.DefaultSkew);

    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static IEnumerable<string> Files(string provider) =>
        Directory.GetFiles(Path(provider), "*.json").Select(f => $"{provider}/{System.IO.Path.GetFileName(f)}").Order();

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
