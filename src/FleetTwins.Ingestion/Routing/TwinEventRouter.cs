using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.RateLimits;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;

namespace FleetTwins.Ingestion.Routing;

/// <summary>What the router did with a delivery: how many twins applied it and how many had seen it before.</summary>
public readonly record struct RouteResult(int Applied, int Duplicates)
{
    /// <summary>Every twin had applied it already: a provider's retry.</summary>
    public bool IsDuplicate => Applied == 0 && Duplicates > 0;
}

/// <summary>
/// Delivers parsed events to the grains of the twins they are about, resolving vehicle identifiers through the
/// alias index. Answers only after every grain involved has applied and persisted its part (or recognised it
/// as a duplicate); any failure propagates, so the caller does not acknowledge and the provider delivers again.
/// </summary>
public sealed class TwinEventRouter(IGrainFactory grains, AliasLookup aliases)
{
    public async Task<RouteResult> RouteAsync(string deliveryId, string source, IReadOnlyList<Routed> deliveries)
    {
        int applied = 0, duplicates = 0;
        void Count(ApplyOutcome outcome)
        {
            if (outcome == ApplyOutcome.Applied) applied++; else duplicates++;
        }

        // In order: a delivery's vehicles come before the account or alert that refers to them.
        foreach (var delivery in deliveries)
        {
            switch (delivery)
            {
                case ForVehicle vehicle:
                    Count((await ApplyToVehicleAsync(deliveryId, source, vehicle.Identity, vehicle.Events)).Outcome);
                    break;
                case ForCharger charger:
                    Count(await grains.GetGrain<IChargerGrain>(charger.ChargerId)
                        .ApplyAsync(new TwinEventBatch<ChargerEvent>(deliveryId, source, charger.Events)));
                    break;
                case ForAlert alert:
                    string? vehicleId = null;
                    if (alert.Vehicle is { } identity)
                    {
                        var link = new AlertLinked(alert.AlertId, alert.Update.Status is "ACTIVE", alert.Update.Severity,
                            alert.Update.Definition?.Name, alert.Update.Muted) { At = alert.Update.At };
                        (vehicleId, var outcome) = await ApplyToVehicleAsync(deliveryId, source, identity, [link]);
                        Count(outcome);
                    }

                    Count(await grains.GetGrain<IAlertGrain>(alert.AlertId)
                        .ApplyAsync(new TwinEventBatch<AlertEvent>(deliveryId, source, [alert.Update]), vehicleId));
                    break;
                case ForAccount account:
                    var vehicleIds = new Dictionary<string, string>();
                    foreach (var (deviceId, alias) in account.DeviceAliases)
                    {
                        if (await aliases.FindAsync(alias) is { } twinId)
                        {
                            vehicleIds[deviceId] = twinId;
                        }
                    }

                    Count(await grains.GetGrain<IAccountGrain>(account.AccountId)
                        .ApplyAsync(new TwinEventBatch<AccountEvent>(deliveryId, source, [account.Event]), vehicleIds));
                    break;
                case ForRateLimit limit:
                    Count(await grains.GetGrain<IRateLimitGrain>($"{limit.Provider}:{limit.Domain}:{limit.ObjectId}")
                        .ApplyAsync(new TwinEventBatch<RateLimitUpdated>(deliveryId, source, [limit.Update]), limit.Domain, limit.ObjectId));
                    break;
            }
        }

        return new RouteResult(applied, duplicates);
    }

    /// <summary>
    /// The twin a vehicle identity belongs to: the owner of any alias already known, else a new twin keyed by the
    /// VIN (when there is one) or the first alias. Every alias of the identity is then claimed for that twin, and
    /// a twin that owned another of its aliases is merged into it. The answer names the twin and the identity.
    /// </summary>
    public async Task<(string TwinId, VehicleIdentity Owned)> ResolveVehicleAsync(VehicleIdentity identity)
    {
        var names = identity.AllAliases.ToList();
        if (names.Count == 0)
        {
            throw new ArgumentException("A vehicle identity needs a VIN or at least one alias.", nameof(identity));
        }

        var owners = await Task.WhenAll(names.Select(a => aliases.FindAsync(a).AsTask()));
        var twinId = owners.FirstOrDefault(o => o is not null) ?? identity.Vin ?? names[0];
        for (var i = 0; i < names.Count; i++)
        {
            if (owners[i] is null)
            {
                // First claim wins: an alias already taken by another twin stays with it.
                owners[i] = await grains.GetGrain<IAliasGrain>(names[i]).ClaimAsync(twinId);
                aliases.Remember(names[i], owners[i]!);
            }
        }

        // Aliases of one vehicle owned by different twins: the same vehicle was seen under separate names before.
        // The first owner (the VIN's, when it has one) absorbs the others, and their aliases move over to it.
        foreach (var other in owners.Where(o => o is not null && o != twinId).Distinct().ToList())
        {
            foreach (var moved in await grains.GetGrain<IVehicleTwinGrain>(twinId).MergeFromAsync(other!))
            {
                if (await grains.GetGrain<IAliasGrain>(moved).RepointAsync(other!, twinId) is { } owner)
                {
                    aliases.Remember(moved, owner);
                }
            }

            for (var i = 0; i < owners.Length; i++)
            {
                owners[i] = owners[i] == other ? twinId : owners[i];
            }
        }

        var owned = names.Where((_, i) => owners[i] == twinId).ToHashSet(StringComparer.Ordinal);
        var vin = identity.Vin is { } v && owned.Contains($"vin:{v}") ? v : null;
        return (twinId, new VehicleIdentity(vin, [.. identity.Aliases.Where(owned.Contains)]));
    }

    private async Task<(string TwinId, ApplyOutcome Outcome)> ApplyToVehicleAsync(
        string deliveryId, string source, VehicleIdentity identity, IReadOnlyList<VehicleEvent> events)
    {
        var (twinId, owned) = await ResolveVehicleAsync(identity);
        var outcome = await grains.GetGrain<IVehicleTwinGrain>(twinId)
            .ApplyAsync(new TwinEventBatch<VehicleEvent>(deliveryId, source, events), owned);
        return (twinId, outcome);
    }
}
