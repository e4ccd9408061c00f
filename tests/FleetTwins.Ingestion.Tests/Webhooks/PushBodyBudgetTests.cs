using System.IO.Pipelines;
using System.Net;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Ingestion.Tests.Webhooks;

/// <summary>
/// Whose bytes a webhook body holds while nobody is verified: its own first bytes, then the shared budgets in all,
/// per provider and per client address, and never past its deadline.
/// </summary>
public sealed class PushBodyBudgetTests
{
    private const string Provider = "volteras";
    private const int Large = 40_000; // read into a 64 KiB buffer: 48 KiB of it beyond the delivery's own 16 KiB

    private static readonly IPAddress A = IPAddress.Parse("198.51.100.1");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.2");
    private static readonly IPAddress C = IPAddress.Parse("198.51.100.3");

    private readonly FakeTimeProvider clock = new();
    private readonly PushBodyReader reader;

    public PushBodyBudgetTests() => reader = new PushBodyReader(new OptionsWrapper<IngestionOptions>(new IngestionOptions
    {
        MaxBodyBytes = 64 * 1024,
        PerDeliveryBodyBytes = 16 * 1024,
        MaxInFlightBytesPerSource = 64 * 1024,
        MaxInFlightBytesPerProvider = 128 * 1024,
        MaxInFlightBytes = 256 * 1024,
        BodyTimeout = TimeSpan.FromSeconds(10),
    }), clock);

    private static PushDelivery Complete(int length, IPAddress from) =>
        new(new MemoryStream(new byte[length]), length, _ => StringValues.Empty, from);

    /// <summary>A body announced at the limit of which only <paramref name="sent"/> bytes arrive, then nothing.</summary>
    private static async Task<PushDelivery> StalledAsync(int sent, IPAddress from)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[sent]);
        return new PushDelivery(pipe.Reader.AsStream(), 64 * 1024, _ => StringValues.Empty, from);
    }

    private Task<PushBody> ReadAsync(PushDelivery delivery) => reader.ReadAsync(Provider, delivery, CancellationToken.None);

    [Fact]
    public async Task Slow_bodies_within_their_own_allowance_take_nothing_shared_and_are_cut_off_at_the_deadline()
    {
        // Twenty stalled bodies of 8 KiB would hold 320 KiB of buffers if they were charged: more than every budget.
        var stalled = new List<Task<PushBody>>();
        for (var i = 0; i < 20; i++)
        {
            stalled.Add(ReadAsync(await StalledAsync(8192, A)));
        }

        using (var large = await ReadAsync(Complete(Large, B)))
        {
            Assert.Null(large.Refusal);
            Assert.Equal(Large, large.Memory.Length);
        }

        Assert.All(stalled, s => Assert.False(s.IsCompleted));
        clock.Advance(TimeSpan.FromSeconds(10));

        foreach (var body in await Task.WhenAll(stalled))
        {
            var refusal = Assert.IsType<PushOutcome.TimedOut>(body.Refusal);
            Assert.Equal(408, refusal.Status);
            Assert.Equal("body not received within 10 s (Ingestion:BodyTimeout): 8192 bytes arrived", refusal.Message);
        }
    }

    [Fact]
    public async Task One_address_holds_at_most_its_share_and_small_bodies_from_it_are_still_read()
    {
        using var first = await ReadAsync(Complete(Large, A));
        using var second = await ReadAsync(Complete(Large, A));
        using var small = await ReadAsync(Complete(2000, A));
        using var other = await ReadAsync(Complete(Large, B));

        Assert.Null(first.Refusal);
        Assert.Equal(new PushOutcome.Busy("too many webhook bytes in flight from this address; retry later"), second.Refusal);
        Assert.Equal(1, second.Refusal!.RetryAfterSeconds);
        Assert.Null(small.Refusal);
        Assert.Null(other.Refusal);
    }

    [Fact]
    public async Task Beyond_the_providers_budget_a_large_body_is_busy_until_the_held_ones_are_disposed()
    {
        var held = new[] { await ReadAsync(Complete(Large, A)), await ReadAsync(Complete(Large, B)) };

        using (var third = await ReadAsync(Complete(Large, C)))
        {
            Assert.Equal(new PushOutcome.Busy("too many webhook bytes in flight; retry later"), third.Refusal);
        }

        Array.ForEach(held, h => h.Dispose());
        using var again = await ReadAsync(Complete(Large, C));
        using var fromA = await ReadAsync(Complete(Large, A));
        Assert.Null(again.Refusal);
        Assert.Null(fromA.Refusal);
    }

    [Fact]
    public async Task An_ipv6_slash_64_is_one_source()
    {
        using var first = await ReadAsync(Complete(Large, IPAddress.Parse("2001:db8:0:7::1")));
        using var sameNetwork = await ReadAsync(Complete(Large, IPAddress.Parse("2001:db8:0:7:ffff::2")));
        using var otherNetwork = await ReadAsync(Complete(Large, IPAddress.Parse("2001:db8:0:8::1")));

        Assert.Null(first.Refusal);
        Assert.IsType<PushOutcome.Busy>(sameNetwork.Refusal);
        Assert.Null(otherNetwork.Refusal);
    }
}
