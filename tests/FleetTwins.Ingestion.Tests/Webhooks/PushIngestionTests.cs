using System.Reflection;
using System.Text;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Identity;
using FleetTwins.Ingestion.Hosting;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Webhooks;
using FleetTwins.Signatures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Ingestion.Tests.Webhooks;

/// <summary>The push use cases without HTTP: what a delivery's bytes and headers come to, short of the twins.</summary>
public sealed class PushIngestionTests : IDisposable
{
    private const string Secret = "whsec_dm9sdGVyYXMtc2VjcmV0LW9mLXRoaXMtdGVzdA==";
    private const string Token = "tracker-token-of-this-test";
    private const long MaxBodyBytes = 64;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"vehicle":{"id":"v1"}}""");

    private readonly FakeTimeProvider clock = new(Fixture.ReceivedAt);
    private readonly RateLimit rateLimit = new();
    private readonly ServiceProvider services;

    public PushIngestionTests()
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(NoGrains.Factory)
            .AddSingleton<AliasLookup>()
            .AddSingleton<IPushRateLimit>(rateLimit)
            .Configure<IngestionOptions>(options =>
            {
                options.MaxBodyBytes = MaxBodyBytes;
                options.Volteras.Secrets.Add(Secret);
                options.Tracker.Tokens.Add(Token);
            })
            .AddFleetTwinsPushIngestion()
            .BuildServiceProvider();
    }

    private SignedWebhookIngestion Signed => services.GetRequiredService<SignedWebhookIngestion>();

    public void Dispose() => services.Dispose();

    [Fact]
    public async Task A_type_this_service_does_not_know_is_accepted_once_signed()
    {
        var outcome = await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", SignedDelivery("msg_1"), default);

        Assert.Equal(new PushOutcome.Accepted("Event type 'device.unheard-of' is not handled; accepted and counted."), outcome);
        Assert.Equal(200, outcome.Status);
    }

    [Fact]
    public async Task A_message_answered_before_is_a_duplicate()
    {
        await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", SignedDelivery("msg_2"), default);

        var replayed = await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", SignedDelivery("msg_2"), default);

        Assert.Equal(new PushOutcome.Duplicate(), replayed);
        Assert.Equal(PushOutcome.DuplicateMessage, replayed.Message);
    }

    [Fact]
    public async Task A_bad_signature_is_unauthorized()
    {
        var delivery = Delivery(Body, new()
        {
            ["svix-id"] = "msg_3",
            ["svix-timestamp"] = clock.GetUtcNow().ToUnixTimeSeconds().ToString(),
            ["svix-signature"] = SvixVerifier.Sign(Secret, "msg_3", clock.GetUtcNow(), "{}"u8),
        });

        var outcome = await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", delivery, default);

        Assert.Equal(new PushOutcome.Unauthorized("signature rejected: no signature matches"), outcome);
        Assert.Equal(401, outcome.Status);
    }

    [Fact]
    public async Task A_signature_header_sent_twice_is_unauthorized()
    {
        var delivery = Delivery(Body, new()
        {
            ["svix-id"] = new(["msg_4", "msg_5"]),
            ["svix-timestamp"] = clock.GetUtcNow().ToUnixTimeSeconds().ToString(),
            ["svix-signature"] = SvixVerifier.Sign(Secret, "msg_4", clock.GetUtcNow(), Body),
        });

        var outcome = await Signed.AcceptAsync(Sources.Volteras, null, delivery, default);

        Assert.Equal(new PushOutcome.Unauthorized("the id signature header appears more than once"), outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_too_large_whether_announced_or_not(bool announced)
    {
        var body = new byte[MaxBodyBytes + 1];
        var delivery = SignedDelivery("msg_8", body, announced);

        var outcome = await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", delivery, default);

        Assert.Equal(new PushOutcome.TooLarge($"body larger than {MaxBodyBytes} bytes"), outcome);
        Assert.Equal(413, outcome.Status);
    }

    [Theory]
    [InlineData(null, "signature rejected: missing svix-id, svix-timestamp or svix-signature header")]
    [InlineData(-301, "signature rejected: svix-timestamp is outside the tolerance of 5 minutes")]
    [InlineData(301, "signature rejected: svix-timestamp is outside the tolerance of 5 minutes")]
    public async Task Signature_headers_that_cannot_hold_are_refused_before_the_body_is_read(int? skewSeconds, string message)
    {
        var headers = new Dictionary<string, StringValues>();
        if (skewSeconds is { } skew)
        {
            var at = clock.GetUtcNow().AddSeconds(skew);
            headers["svix-id"] = "msg_9";
            headers["svix-timestamp"] = at.ToUnixTimeSeconds().ToString();
            headers["svix-signature"] = SvixVerifier.Sign(Secret, "msg_9", at, Body);
        }

        var body = new MemoryStream(Body);
        var outcome = await Signed.AcceptAsync(Sources.Volteras, null, new PushDelivery(body, Body.Length, name => headers.GetValueOrDefault(name)), default);

        Assert.Equal(new PushOutcome.Unauthorized(message), outcome);
        Assert.Equal(0, body.Position);
    }

    [Fact]
    public async Task The_benchmark_floor_verifies_without_parsing()
    {
        var outcome = await Signed.VerifyOnlyAsync(Sources.Volteras, SignedDelivery("msg_6", "not json"u8.ToArray()), default);

        Assert.Equal(new PushOutcome.Accepted("Verified; not applied (benchmark floor)."), outcome);
    }

    [Fact]
    public async Task A_rate_limited_provider_is_told_when_to_retry()
    {
        rateLimit.RetryAfter = 7;

        var outcome = await Signed.AcceptAsync(Sources.Volteras, "device.unheard-of", SignedDelivery("msg_7"), default);

        Assert.Equal(new PushOutcome.RateLimited("Too many requests for this credential; retry after 7 s.", 7), outcome);
        Assert.Equal(7, outcome.RetryAfterSeconds);
    }

    [Theory]
    [InlineData(null, "missing Authorization: Bearer <token> header")]
    [InlineData("Bearer not-the-token", "invalid bearer token")]
    public async Task A_tracker_push_without_its_token_is_unauthorized(string? authorization, string message)
    {
        var headers = new Dictionary<string, StringValues>();
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        var body = new MemoryStream(Body);
        var outcome = await services.GetRequiredService<TrackerPushIngestion>().AcceptAsync(
            new PushDelivery(body, Body.Length, name => headers.GetValueOrDefault(name)), default);

        Assert.Equal(new PushOutcome.Unauthorized(message), outcome);
        Assert.Equal(0, body.Position); // refused from its headers: not a byte of its body read
    }

    private PushDelivery SignedDelivery(string messageId, byte[]? body = null, bool announced = true)
    {
        body ??= Body;
        return Delivery(body, new()
        {
            ["svix-id"] = messageId,
            ["svix-timestamp"] = clock.GetUtcNow().ToUnixTimeSeconds().ToString(),
            ["svix-signature"] = SvixVerifier.Sign(Secret, messageId, clock.GetUtcNow(), body),
        }, announced);
    }

    private static PushDelivery Delivery(byte[] body, Dictionary<string, StringValues> headers, bool announced = true) =>
        new(new MemoryStream(body), announced ? body.Length : null,
            name => headers.TryGetValue(name, out var values) ? values : StringValues.Empty);

    /// <summary>The rate limit: none, unless a test spends it.</summary>
    private sealed class RateLimit : IPushRateLimit
    {
        public int? RetryAfter { get; set; }

        public int? RetryAfterSeconds(string provider) => RetryAfter;
    }

    /// <summary>A grain factory that fails any call: none of these outcomes may reach a twin.</summary>
    public class NoGrains : DispatchProxy
    {
        public static IGrainFactory Factory { get; } = Create<IGrainFactory, NoGrains>();

        protected override object Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"{targetMethod?.Name}: a delivery reached the grains");
    }
}
