using System.Security.Cryptography;
using System.Text;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Chargers;
using FleetTwins.Abstractions.Events;
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
    public async Task<RouteResult> RouteAsync(string deliveryId, string provider, IReadOnlyList<Routed> deliveries)
    {
        int applied = 0, duplicates = 0;
        void Count(ApplyOutcome outcome)
        {
            if (outcome == ApplyOutcome.Applied)
            {
                applied++;
            }
            else
            {
                duplicates++;
            }
        }

        // In order: a delivery's vehicles come before the account or alert that refers to them.
        foreach (var delivery in deliveries)
        {
            switch (delivery)
            {
                case ForVehicle vehicle:
                    Count((await ApplyToVehicleAsync(deliveryId, provider, vehicle.Identity, vehicle.Events)).Outcome);
                    break;
                case ForCharger charger:
                    Count(await grains.GetGrain<IChargerGrain>(charger.ChargerId)
                        .ApplyAsync(new TwinEventBatch<ChargerEvent>(deliveryId, provider, charger.Events)));
                    break;
                case ForAlert alert:
                    string? vehicleId = null;
                    if (alert.Vehicle is { } identity)
                    {
                        var link = new AlertLinked(alert.AlertId, alert.Update.Status is "ACTIVE", alert.Update.Severity,
                            alert.Update.Definition?.Name, alert.Update.Muted)
                        { At = alert.Update.At };
                        (vehicleId, var outcome) = await ApplyToVehicleAsync(deliveryId, provider, identity, [link]);
                        Count(outcome);
                    }

                    Count(await grains.GetGrain<IAlertGrain>(alert.AlertId)
                        .ApplyAsync(new TwinEventBatch<AlertEvent>(deliveryId, provider, [alert.Update]), vehicleId));
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
                        .ApplyAsync(new TwinEventBatch<AccountEvent>(deliveryId, provider, [account.Event]), vehicleIds));
                    break;
                case ForRateLimit limit:
                    Count(await grains.GetGrain<IRateLimitGrain>($"{limit.Provider}:{limit.Domain}:{limit.ObjectId}")
                        .ApplyAsync(new TwinEventBatch<RateLimitUpdated>(deliveryId, provider, [limit.Update]), limit.Domain, limit.ObjectId));
                    break;
            }
        }

        return new RouteResult(applied, duplicates);
    }

    /// <summary>How often a delivery is offered again after a twin refused it (its identity moved meanwhile).</summary>
    private const int MaxAttempts = 3;

    /// <summary>
    /// Delivers to the twin the identity names, which applies the identity rules itself (a twin takes a VIN or an alias
    /// only through its alias grain, one owner each) and refuses a delivery that is not its. The first attempt trusts
    /// the silo's alias cache (one grain call in the usual case); after a refusal the cache entries go and the alias
    /// grains are asked. The target: the VIN's twin; else (a VIN nobody holds yet) the twin of an alias, which takes the
    /// VIN unless it holds another; else a new twin keyed by the VIN, or by the first alias.
    /// </summary>
    private async Task<(string TwinId, ApplyOutcome Outcome)> ApplyToVehicleAsync(
        string deliveryId, string provider, VehicleIdentity identity, IReadOnlyList<VehicleEvent> events)
    {
        var names = identity.AllAliases.ToList();
        if (names.Count == 0)
        {
            throw new ArgumentException("A vehicle identity needs a VIN or at least one alias.", nameof(identity));
        }

        var batch = new TwinEventBatch<VehicleEvent>(deliveryId, provider, events);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var twinId = await TargetAsync(identity, deliveryId, refused);
            var outcome = await grains.GetGrain<IVehicleTwinGrain>(twinId).ApplyAsync(batch, identity);
            if (outcome != ApplyOutcome.Refused)
            {
                return (twinId, outcome);
            }

            refused.Add(twinId);
            names.ForEach(aliases.Forget);
        }

        throw new IdentityUnsettledException($"Delivery {deliveryId} names {string.Join(", ", names)}, which kept moving between twins; retry.");
    }

    private async Task<string> TargetAsync(VehicleIdentity identity, string deliveryId, IReadOnlySet<string> refused)
    {
        var fresh = refused.Count > 0;
        var target = identity.Vin is { } vin
            ? await aliases.FindAsync($"vin:{vin}", fresh) ?? (fresh ? null : await FirstOwnerAsync(identity.Aliases, fresh))
            : await FirstOwnerAsync(identity.Aliases, fresh);
        if (target is not null && !refused.Contains(target))
        {
            return target;
        }

        // A new twin, keyed by the VIN or the first alias; if the twin of that id refused (it was unlinked from the
        // alias), one keyed by this delivery too, the same on every retry of it.
        var id = identity.Vin ?? identity.Aliases[0];
        return refused.Contains(id) ? $"{id}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)))[..8]}" : id;
    }

    private async Task<string?> FirstOwnerAsync(IReadOnlyList<string> names, bool fresh)
    {
        foreach (var name in names)
        {
            if (await aliases.FindAsync(name, fresh) is { } owner)
            {
                return owner;
            }
        }

        return null;
    }
}
