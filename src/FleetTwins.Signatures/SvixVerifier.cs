using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FleetTwins.Signatures;

/// <summary>The three signature headers of a Svix / Standard Webhooks delivery, each as received (null when absent).</summary>
public readonly record struct SvixHeaders(string? Id, string? Timestamp, string? Signature);

/// <summary>The outcome of checking a delivery's signature.</summary>
public readonly record struct SvixVerification(bool IsValid, string? MessageId, DateTimeOffset Timestamp, string? Error)
{
    public static SvixVerification Fail(string error) => new(false, null, default, error);
}

/// <summary>
/// Verifies Svix (Standard Webhooks) signatures: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c> with a
/// <c>whsec_</c> base64 secret, any of several <c>v1,</c> signatures in the header, any of several configured
/// secrets (rotation), a timestamp within the tolerance of now, and constant-time comparison.
/// </summary>
public sealed class SvixVerifier
{
    /// <summary>How far a delivery's timestamp may be from now, either way.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";

    /// <summary>The fewest bytes a configured secret decodes to: shorter keys can be guessed offline from one signed request.</summary>
    public const int MinimumSecretBytes = 24;
    private const int MaxHeaderLength = 4096;

    private readonly byte[][] keys;
    private readonly TimeSpan tolerance;

    /// <param name="secrets">Configured secrets, <c>whsec_&lt;base64&gt;</c> (the prefix is optional).</param>
    /// <param name="tolerance">How far a timestamp may be from now; five minutes unless given.</param>
    public SvixVerifier(IEnumerable<string> secrets, TimeSpan? tolerance = null)
    {
        keys = [.. secrets.Where(s => !string.IsNullOrWhiteSpace(s)).Select(DecodeSecret)];
        this.tolerance = tolerance ?? DefaultTolerance;
    }

    /// <summary>False when no secret is configured: every delivery is then refused.</summary>
    public bool HasSecrets => keys.Length > 0;

    public static byte[] DecodeSecret(string secret)
    {
        var text = secret.Trim();
        text = text.StartsWith(SecretPrefix, StringComparison.Ordinal) ? text[SecretPrefix.Length..] : text;
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length > 0 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ArgumentException("A webhook secret must be whsec_ followed by base64.", nameof(secret));
        }
    }

    /// <summary>
    /// Why the headers alone fail (no secret, a header missing, too long or malformed, a timestamp outside the
    /// tolerance), or null: checkable before a body is read, so such a delivery never costs its body.
    /// </summary>
    public string? HeadersError(SvixHeaders headers, DateTimeOffset now) => CheckHeaders(headers, now, out _);

    public SvixVerification Verify(SvixHeaders headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (CheckHeaders(headers, now, out var timestamp) is { } error)
        {
            return SvixVerification.Fail(error);
        }

        // {id}.{timestamp}.{body}
        var prefix = Encoding.UTF8.GetBytes($"{headers.Id}.{headers.Timestamp}.");
        var signed = ArrayPool<byte>.Shared.Rent(prefix.Length + body.Length);
        try
        {
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed.AsSpan(prefix.Length));
            var content = signed.AsSpan(0, prefix.Length + body.Length);
            Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
            Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes];
            foreach (var key in keys)
            {
                HMACSHA256.HashData(key, content, expected);
                foreach (var part in headers.Signature!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (part.StartsWith("v1,", StringComparison.Ordinal)
                        && Convert.TryFromBase64String(part[3..], candidate, out var written)
                        && written == expected.Length
                        && CryptographicOperations.FixedTimeEquals(candidate, expected))
                    {
                        return new SvixVerification(true, headers.Id, timestamp, null);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }

        return SvixVerification.Fail("no signature matches");
    }

    private string? CheckHeaders(SvixHeaders headers, DateTimeOffset now, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (!HasSecrets)
        {
            return "no signing secret is configured for this endpoint";
        }

        if (string.IsNullOrEmpty(headers.Id) || string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Signature))
        {
            return "missing svix-id, svix-timestamp or svix-signature header";
        }

        if (headers.Id.Length > 256 || headers.Signature.Length > MaxHeaderLength || headers.Timestamp.Length > 20)
        {
            return "signature headers are too long";
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return "svix-timestamp is not a Unix time in seconds";
        }

        timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return (now - timestamp).Duration() > tolerance ? "svix-timestamp is outside the tolerance of 5 minutes" : null;
    }

    /// <summary>Signs a delivery the way Svix does (for tests, the simulator and outbound webhooks).</summary>
    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToUnixTimeSeconds()}.").Concat(body.ToArray()).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(DecodeSecret(secret), content));
    }
}
