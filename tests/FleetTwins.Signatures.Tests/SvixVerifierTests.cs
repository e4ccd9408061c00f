using System.Text;
using System.Text.Json;

namespace FleetTwins.Signatures.Tests;

public sealed class SvixVerifierTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private sealed record Vector(string Secret, string Id, long Timestamp, string Body, string Signature);

    public static TheoryData<int> VectorIndexes => new(Enumerable.Range(0, Vectors.Count));

    private static readonly List<Vector> Vectors =
        JsonSerializer.Deserialize<List<Vector>>(File.ReadAllText(Fixture.Path("svix/svix-npm-vectors.json")), JsonSerializerOptions.Web)!;

    private static (SvixHeaders Headers, byte[] Body, DateTimeOffset Now) Delivery(Vector v) =>
        (new SvixHeaders(v.Id, v.Timestamp.ToString(), v.Signature), Encoding.UTF8.GetBytes(v.Body), DateTimeOffset.FromUnixTimeSeconds(v.Timestamp));

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Accepts_signatures_made_by_the_svix_npm_package(int index)
    {
        var vector = Vectors[index];
        var (headers, body, now) = Delivery(vector);

        var result = new SvixVerifier([vector.Secret]).Verify(headers, body, now);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(vector.Id, result.MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(vector.Timestamp), result.Timestamp);
    }

    [Fact]
    public void Our_signature_equals_the_svix_npm_signature()
    {
        foreach (var v in Vectors)
        {
            Assert.Equal(v.Signature, SvixVerifier.Sign(v.Secret, v.Id, DateTimeOffset.FromUnixTimeSeconds(v.Timestamp), Encoding.UTF8.GetBytes(v.Body)));
        }
    }

    [Fact]
    public void Tampered_body_is_rejected()
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);
        body[^2] ^= 1;

        Assert.False(new SvixVerifier([v.Secret]).Verify(headers, body, now).IsValid);
    }

    [Fact]
    public void Tampered_id_is_rejected()
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);

        Assert.False(new SvixVerifier([v.Secret]).Verify(headers with { Id = v.Id + "x" }, body, now).IsValid);
    }

    [Fact]
    public void Tampered_timestamp_is_rejected()
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);

        Assert.False(new SvixVerifier([v.Secret]).Verify(headers with { Timestamp = (v.Timestamp + 1).ToString() }, body, now).IsValid);
    }

    [Fact]
    public void Any_of_several_signatures_in_the_header_may_match()
    {
        var v = Vectors[1];
        var (headers, body, now) = Delivery(v);
        var header = $"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,ignored {v.Signature}";

        Assert.True(new SvixVerifier([v.Secret]).Verify(headers with { Signature = header }, body, now).IsValid);
    }

    [Fact]
    public void Any_configured_secret_may_match_during_rotation()
    {
        var v = Vectors[^1];
        var (headers, body, now) = Delivery(v);

        Assert.True(new SvixVerifier(["whsec_" + Convert.ToBase64String(new byte[24]), v.Secret]).Verify(headers, body, now).IsValid);
    }

    [Fact]
    public void Signature_from_another_secret_is_rejected()
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);

        var result = new SvixVerifier([Vectors[^1].Secret]).Verify(headers, body, now);

        Assert.False(result.IsValid);
        Assert.Equal("no signature matches", result.Error);
    }

    [Theory]
    [InlineData(-301, false)]
    [InlineData(-299, true)]
    [InlineData(299, true)]
    [InlineData(301, false)]
    public void Timestamp_must_be_within_five_minutes_of_now(int offsetSeconds, bool valid)
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);

        Assert.Equal(valid, new SvixVerifier([v.Secret]).Verify(headers, body, now.AddSeconds(-offsetSeconds)).IsValid);
    }

    [Theory]
    [InlineData(null, "1795424401", "v1,x")]
    [InlineData("msg", null, "v1,x")]
    [InlineData("msg", "1795424401", null)]
    [InlineData("msg", "not-a-number", "v1,x")]
    [InlineData("msg", "-5", "v1,x")]
    [InlineData("msg", "1795424401", "v2,abc")]
    [InlineData("msg", "1795424401", "v1,not base64!")]
    public void Malformed_headers_are_rejected(string? id, string? timestamp, string? signature)
    {
        var result = new SvixVerifier([Vectors[0].Secret]).Verify(new SvixHeaders(id, timestamp, signature), "{}"u8, ReceivedAt);

        Assert.False(result.IsValid);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData(0, "v1,anything", null)]
    [InlineData(-301, "v1,anything", "svix-timestamp is outside the tolerance of 5 minutes")]
    [InlineData(0, null, "missing svix-id, svix-timestamp or svix-signature header")]
    public void Headers_are_judged_alone_before_any_body(int offsetSeconds, string? signature, string? error)
    {
        var v = Vectors[0];
        var headers = new SvixHeaders(v.Id, v.Timestamp.ToString(), signature);

        // A signature that does not match is for the body to show: the headers alone cannot.
        Assert.Equal(error, new SvixVerifier([v.Secret]).HeadersError(headers, DateTimeOffset.FromUnixTimeSeconds(v.Timestamp).AddSeconds(-offsetSeconds)));
    }

    [Fact]
    public void No_configured_secret_rejects_everything()
    {
        var v = Vectors[0];
        var (headers, body, now) = Delivery(v);

        var verifier = new SvixVerifier([]);

        Assert.False(verifier.HasSecrets);
        Assert.False(verifier.Verify(headers, body, now).IsValid);
    }

    [Fact]
    public void Secret_that_is_not_base64_is_refused_at_configuration()
    {
        Assert.Throws<ArgumentException>(() => new SvixVerifier(["whsec_***not base64***"]));
    }
}
