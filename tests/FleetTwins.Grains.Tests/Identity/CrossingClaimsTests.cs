using System.Diagnostics;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Vehicles;

namespace FleetTwins.Grains.Tests.Identity;

/// <summary>
/// No claim waits on another twin's turn: a twin asked for an alias answers at once whatever it is doing (a webhook that
/// hangs, a dispatch that hangs, a claim of its own on the asker), and of claims that cross, the lower twin id wins and
/// the other is told why. The bound is far below the 30 s grain call timeout a deadlock runs into.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossingClaimsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private IVehicleTwinGrain Vehicle(string id) => fixture.Client.GetGrain<IVehicleTwinGrain>(id);

    private static string Device() => $"imei:{Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999)}";

    [Fact]
    public async Task Links_crossing_between_two_twins_both_answer_at_once_the_lower_id_winning()
    {
        for (var round = 0; round < 5; round++)
        {
            await CrossAsync(webhooksHang: round % 2 == 1);
        }
    }

    private async Task CrossAsync(bool webhooksHang)
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var (low, high) = ($"cross-a-{run}", $"cross-b-{run}");
        var (lowDevice, highDevice, lowExtra, highExtra) = (Device(), Device(), Device(), Device());
        await Vehicle(low).RegisterAsync(new VehicleRegistration(null, [lowDevice, lowExtra]));
        await Vehicle(high).RegisterAsync(new VehicleRegistration(null, [highDevice, highExtra]));
        try
        {
            if (webhooksHang)
            {
                // Each twin's identity-changed notification goes to a receiver that does not answer.
                fixture.Sink.Holds.Hold(low);
                fixture.Sink.Holds.Hold(high);
                await Vehicle(low).UnlinkAliasAsync(lowExtra);
                await Vehicle(high).UnlinkAliasAsync(highExtra);
                await WaitUntilAsync(() => fixture.Sink.Holds.Reached(low) && fixture.Sink.Holds.Reached(high));
            }

            var toLow = Vehicle(low).RegisterAsync(new VehicleRegistration(null, [highDevice]));
            var toHigh = Vehicle(high).RegisterAsync(new VehicleRegistration(null, [lowDevice]));
            var answers = await Task.WhenAll(toLow, toHigh).WaitAsync(Bound);

            // One twin holds both devices (the other merged into it, and forwards to it); a crossing lost says why.
            var lowTwin = (await Vehicle(low).GetAsync().WaitAsync(Bound))!;
            var highTwin = (await Vehicle(high).GetAsync().WaitAsync(Bound))!;
            Assert.True(lowTwin.Id == highTwin.Id, $"no twin holds both devices: {string.Join("; ", answers.SelectMany(a => a.Conflicts).Select(c => c.Reason))}");
            Assert.Contains(lowDevice, lowTwin.Aliases);
            Assert.Contains(highDevice, lowTwin.Aliases);
            foreach (var conflict in answers.SelectMany(a => a.Conflicts))
            {
                Assert.Contains("lower twin id goes first", conflict.Reason);
                Assert.Equal(low, lowTwin.Id);
            }

            Assert.Equal(lowTwin.Id, await fixture.Client.GetGrain<IAliasGrain>(highDevice).GetTwinIdAsync().WaitAsync(Bound));
            Assert.Equal(lowTwin.Id, await fixture.Client.GetGrain<IAliasGrain>(lowDevice).GetTwinIdAsync().WaitAsync(Bound));
        }
        finally
        {
            fixture.Sink.Holds.Release(low);
            fixture.Sink.Holds.Release(high);
        }
    }

    [Fact]
    public async Task A_claim_on_a_twin_whose_dispatch_hangs_is_refused_within_a_second_saying_why()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var (asking, busy) = ($"busy-a-{run}", $"busy-b-{run}");
        var (askingDevice, busyDevice) = (Device(), Device());
        await Vehicle(asking).RegisterAsync(new VehicleRegistration(null, [askingDevice]));
        await Vehicle(busy).RegisterAsync(new VehicleRegistration(null, [busyDevice]));
        fixture.Dispatcher.Holds.Hold(busy);
        try
        {
            await Vehicle(busy).SendCommandAsync(new CommandRequest("LOCK_DOORS", "{}", null, Sources.Volteras));
            await WaitUntilAsync(() => fixture.Dispatcher.Holds.Reached(busy));

            var watch = Stopwatch.StartNew();
            var claim = Vehicle(asking).RegisterAsync(new VehicleRegistration(null, [busyDevice]));
            // While its claim waits for the busy twin, the asking twin answers a handover at once: it is asking too (asked
            // for an alias it does not hold, so that an answer before its claim started changes nothing).
            AliasYield? answer = null;
            await WaitUntilAsync(async () =>
                (answer = await fixture.Client.GetGrain<IVehicleTwinHandOver>(asking)
                    .YieldAliasAsync(Device(), busy, null, false, Sources.Api, null).WaitAsync(Bound)).Kind == AliasYieldKind.Asking || claim.IsCompleted);
            Assert.Equal(AliasYieldKind.Asking, answer!.Kind);

            var result = await claim.WaitAsync(Bound);
            Assert.True(watch.Elapsed < Bound, $"the claim took {watch.Elapsed}");
            var conflict = Assert.Single(result.Conflicts);
            Assert.Equal(busyDevice, conflict.Alias);
            Assert.Contains("busy", conflict.Reason);
            Assert.Contains(askingDevice, result.Twin.Aliases);
            Assert.DoesNotContain(busyDevice, result.Twin.Aliases);
        }
        finally
        {
            fixture.Dispatcher.Holds.Release(busy);
        }

        // Once the dispatch answered, the same claim merges the twin.
        await WaitUntilAsync(() => fixture.Dispatcher.Received.Any(d => d.TwinId == busy));
        var merged = await Vehicle(asking).RegisterAsync(new VehicleRegistration(null, [busyDevice])).WaitAsync(Bound);
        Assert.Equal([busy], merged.Merged);
    }

    /// <summary>Polls <paramref name="done"/> until it holds, for at most <see cref="Bound"/>.</summary>
    private static Task WaitUntilAsync(Func<bool> done) => WaitUntilAsync(() => Task.FromResult(done()));

    private static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {Bound}");
            await Task.Delay(10);
        }
    }
}
