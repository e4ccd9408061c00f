using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Ingestion.Routing;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FleetTwins.Grains.Tests.Identity;

/// <summary>
/// Random sequences of deliveries (right VINs, another vehicle's VIN, none; every provider; reordered times;
/// duplicates) and operator calls (registrations, links, unlinks), each made on a silo chosen at random: afterwards no
/// twin holds two VINs, every alias resolves to exactly one live twin, the twin of each VIN keeps the newest reading
/// sent with that VIN, and the same sequence made on other silos ends the same.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityProperties(ClusterFixture fixture)
{
    private const int Vehicles = 3;

    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Providers = [Sources.Volteras, Sources.Telematica, Sources.Tracker, Sources.Invers];

    /// <summary>One step: a delivery, a registration, a link or an unlink; <see cref="Silo"/> makes it.</summary>
    public sealed record Step(int Kind, int Vehicle, int Provider, int VinOf, int Minute, int Silo, int Aliases);

    private static Gen<Step> StepGen() =>
        from kind in Gen.Frequency((8, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Constant(3)), (2, Gen.Constant(4)))
        from vehicle in Gen.Choose(0, Vehicles - 1)
        from provider in Gen.Choose(0, Providers.Length - 1)
        from vinOf in Gen.Frequency((5, Gen.Constant(-1)), (4, Gen.Constant(-2)), (1, Gen.Choose(0, Vehicles - 1)))
        from minute in Gen.Choose(0, 60)
        from silo in Gen.Choose(0, 1)
        from aliases in Gen.Choose(0, 15)
        select new Step(kind, vehicle, provider, vinOf, minute, silo, aliases);

    [Fact]
    public void Identity_stays_exact_whatever_the_order_and_whichever_silo()
    {
        var sequences = Gen.ListOf(StepGen()).Where(s => s.Count is > 0 and <= 25).ToArbitrary();
        Prop.ForAll(sequences, steps =>
        {
            var first = RunAsync(steps, silo => silo).GetAwaiter().GetResult();
            var second = RunAsync(steps, silo => 1 - silo).GetAwaiter().GetResult();
            Assert.Equal(first, second);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    /// <summary>
    /// Makes the steps in a fresh namespace of names, checks the invariants, and answers the outcome in names without
    /// the namespace: for each alias, the aliases of its twin, its twin's VIN and SOC.
    /// </summary>
    private async Task<string> RunAsync(IReadOnlyList<Step> steps, Func<int, int> siloOf)
    {
        var run = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string Vin(int v) => $"WBY{run}{v:D6}";
        string Alias(int v, int p) => p switch
        {
            0 => $"volteras:{run}-{v}",
            1 => $"telematica:{run}-{v}",
            2 => $"imei:{run}-{v}",
            _ => $"invers:{run}-{v}",
        };
        string Car(int v) => $"car-{run}-{v}";
        var sentWithVin = new Dictionary<string, DateTimeOffset>();
        var delivered = new List<(string Id, string Source, ForVehicle Delivery)>();

        foreach (var step in steps)
        {
            var silo = (InProcessSiloHandle)fixture.Cluster.Silos[siloOf(step.Silo) % fixture.Cluster.Silos.Count];
            var router = silo.ServiceProvider.GetRequiredService<TwinEventRouter>();
            var grains = silo.ServiceProvider.GetRequiredService<IGrainFactory>();
            switch (step.Kind)
            {
                case 0: // a delivery: its own VIN (only providers that carry one), another vehicle's, or none
                    var provider = Providers[step.Provider];
                    var carriesVin = provider is Sources.Volteras or Sources.Telematica;
                    var vin = !carriesVin || step.VinOf == -1 ? null : Vin(step.VinOf == -2 ? step.Vehicle : step.VinOf);
                    var at = T0.AddMinutes(step.Minute);
                    var delivery = new ForVehicle(new VehicleIdentity(vin, [Alias(step.Vehicle, step.Provider)]),
                        [new StateOfChargeReported(step.Minute) { At = at }]);
                    var id = $"d-{Guid.NewGuid():N}";
                    await router.RouteAsync(id, provider, [delivery]);
                    delivered.Add((id, provider, delivery));
                    if (vin is not null && (!sentWithVin.TryGetValue(vin, out var newest) || at > newest))
                    {
                        sentWithVin[vin] = at;
                    }

                    break;
                case 1: // an operator registers the vehicle with its VIN and some of its aliases
                    var aliases = Enumerable.Range(0, 4).Where(p => (step.Aliases & (1 << p)) != 0).Select(p => Alias(step.Vehicle, p)).ToList();
                    await grains.GetGrain<IVehicleTwinGrain>(Car(step.Vehicle)).RegisterAsync(new VehicleRegistration(Vin(step.Vehicle), aliases));
                    break;
                case 2: // an operator links one alias to the registered twin
                    if (await grains.GetGrain<IVehicleTwinGrain>(Car(step.Vehicle)).GetAsync() is not null)
                    {
                        await grains.GetGrain<IVehicleTwinGrain>(Car(step.Vehicle)).RegisterAsync(new VehicleRegistration(null, [Alias(step.Vehicle, step.Provider)]));
                    }

                    break;
                case 3: // an operator unlinks a provider alias from whichever twin holds it
                    var alias = Alias(step.Vehicle, step.Provider);
                    if (await grains.GetGrain<IAliasGrain>(alias).GetTwinIdAsync() is { } holder)
                    {
                        await grains.GetGrain<IVehicleTwinGrain>(holder).UnlinkAliasAsync(alias);
                    }

                    break;
                case 4 when delivered.Count > 0: // a provider's retry of an earlier delivery
                    var (again, source, earlier) = delivered[step.Aliases % delivered.Count];
                    await router.RouteAsync(again, source, [earlier]);
                    break;
            }
        }

        var client = fixture.Client;
        var names = Enumerable.Range(0, Vehicles).SelectMany(v => Enumerable.Range(0, 4).Select(p => Alias(v, p)).Append($"vin:{Vin(v)}")).ToList();
        var live = new Dictionary<string, VehicleTwin>();
        var outcome = new List<string>();
        foreach (var name in names)
        {
            if (await client.GetGrain<IAliasGrain>(name).GetTwinIdAsync() is not { } owner)
            {
                outcome.Add($"{Strip(name)} -");
                continue;
            }

            var twin = (await client.GetGrain<IVehicleTwinGrain>(owner).GetAsync())!;
            Assert.True(twin.Aliases.Contains(name), $"{name} points at {owner} ({twin.Id}), which does not hold it: {string.Join(", ", twin.Aliases)}");
            live[twin.Id] = twin;
            outcome.Add($"{Strip(name)} -> [{string.Join(" ", twin.Aliases.Select(Strip).Order())}] soc {twin.StateOfCharge?.Value}");
        }

        foreach (var twin in live.Values)
        {
            // A twin never holds two VINs, and the one it holds is its vin: alias.
            var vins = twin.Aliases.Where(a => a.StartsWith("vin:", StringComparison.Ordinal)).ToList();
            Assert.True(vins.Count <= 1, $"{twin.Id} holds {string.Join(", ", vins)}");
            Assert.Equal(twin.Vin is null ? [] : [$"vin:{twin.Vin}"], vins);
        }

        // No alias is held by two live twins.
        var holders = live.Values.SelectMany(t => t.Aliases.Select(a => (Alias: a, Twin: t.Id))).GroupBy(h => h.Alias).Where(g => g.Count() > 1).ToList();
        Assert.True(holders.Count == 0, string.Join("; ", holders.Select(g => $"{g.Key} held by {string.Join(", ", g.Select(h => h.Twin))}")));

        // The twin of each VIN kept the newest reading sent with it (merges and moves keep the newer reading).
        foreach (var (vin, newest) in sentWithVin)
        {
            var owner = await client.GetGrain<IAliasGrain>($"vin:{vin}").GetTwinIdAsync();
            var twin = owner is null ? null : await client.GetGrain<IVehicleTwinGrain>(owner).GetAsync();
            Assert.True(twin?.StateOfCharge?.At >= newest, $"vin {vin}: newest reading sent at {newest:O}, its twin {owner} has {twin?.StateOfCharge?.At:O}");
        }

        return string.Join("\n", outcome);

        string Strip(string name) => name.Replace(run, "", StringComparison.Ordinal);
    }
}
