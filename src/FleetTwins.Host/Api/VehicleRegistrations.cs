using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;

namespace FleetTwins.Host.Api;

/// <summary>
/// What an operator states about a vehicle's identity (its VIN, its provider aliases), checked the same way for
/// <c>PUT /api/vehicles/{id}</c>, the alias links, the bulk registry and gRPC, and bound by the twin itself.
/// </summary>
public static class VehicleRegistrations
{
    /// <summary>The most rows one <c>POST /api/vehicles/registry</c> takes.</summary>
    public const int MaxRegistryRows = 10_000;

    /// <summary>The most aliases one registration names.</summary>
    public const int MaxAliases = 32;

    /// <summary>How many registry rows are bound at a time.</summary>
    private const int RegistryParallelism = 16;

    /// <summary>The registration in canonical form, or what is wrong with it (one line, for a 400).</summary>
    public static (VehicleRegistration? Registration, string? Error) Validate(string? id, string? vin, IReadOnlyList<string?>? aliases)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return (null, $"id '{id}' is not 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'");
        }

        var theVin = vin is null ? null : VehicleIds.NormalizeVin(vin);
        if (theVin is not null && !VehicleIds.IsValidVin(theVin))
        {
            return (null, $"vin '{vin}' is not 17 digits and capital letters");
        }

        if (aliases is { Count: > MaxAliases })
        {
            return (null, $"{aliases.Count} aliases: at most {MaxAliases} per vehicle");
        }

        var bound = new List<string>();
        foreach (var alias in aliases ?? [])
        {
            var canonical = VehicleIds.NormalizeAlias(alias);
            if (canonical is null)
            {
                return (null, $"alias '{alias}' is not kind:id with kind one of {string.Join(", ", VehicleIds.AliasKinds)}");
            }

            if (canonical.StartsWith("vin:", StringComparison.Ordinal))
            {
                if (theVin is not null && theVin != canonical[4..])
                {
                    return (null, $"two VINs for one vehicle: {theVin} and {canonical[4..]}");
                }

                theVin = canonical[4..];
            }
            else if (!bound.Contains(canonical))
            {
                bound.Add(canonical);
            }
        }

        if (theVin is not null && VehicleIds.IsValidVin(id) && theVin != id)
        {
            return (null, $"twin '{id}' is keyed by a VIN and holds no other VIN than it ({theVin} given)");
        }

        return (new VehicleRegistration(theVin, bound), null);
    }

    /// <summary>Binds the registration to the twin <paramref name="id"/>, and teaches this silo's alias cache the answer.</summary>
    public static async Task<VehicleRegistrationResult> RegisterAsync(IGrainFactory grains, AliasLookup aliases, string id, VehicleRegistration registration)
    {
        var result = await grains.GetGrain<IVehicleTwinGrain>(id).RegisterAsync(registration);
        foreach (var alias in result.Twin.Aliases)
        {
            aliases.Remember(alias, result.Twin.Id);
        }

        return result;
    }

    /// <summary>Unbinds one alias from the twin; null when the twin does not hold it.</summary>
    public static async Task<VehicleTwin?> UnlinkAsync(IGrainFactory grains, AliasLookup aliases, string id, string alias)
    {
        var twin = await grains.GetGrain<IVehicleTwinGrain>(id).UnlinkAliasAsync(alias);
        if (twin is not null)
        {
            aliases.Forget(alias);
        }

        return twin;
    }

    /// <summary>The conflicts of a registration, as one line each.</summary>
    public static string Describe(IReadOnlyList<IdentityConflict> conflicts) => string.Join("; ", conflicts.Select(c => c.Reason));

    /// <summary>
    /// One row of a registry: a twin id, its VIN, its aliases, and what operators say about the vehicle (each set when
    /// given, as <c>PATCH /api/vehicles/{id}</c> sets it; an import never clears a value).
    /// </summary>
    public sealed record RegistryRow(string? Id, string? Vin, IReadOnlyList<string?>? Aliases, string? Name = null, string? Plate = null,
        string? Group = null, IReadOnlyList<string?>? Tags = null, double? BatteryCapacityKwh = null, string? Notes = null);

    /// <summary>
    /// What became of one row: <c>created</c>, <c>linked</c>, <c>merged</c>, <c>updated</c> (its master data alone
    /// changed), <c>unchanged</c>, <c>conflict</c> or <c>invalid</c>.
    /// </summary>
    public sealed record RegistryRowResult(int Row, string? Id, string Outcome, string? Message, IReadOnlyList<IdentityConflict> Conflicts);

    /// <summary>The whole import's counts, and each row's result.</summary>
    public sealed record RegistryResult(int Rows, int Created, int Linked, int Merged, int Unchanged, int Conflicts, int Invalid,
        IReadOnlyList<RegistryRowResult> Results)
    {
        /// <summary>Rows whose master data alone changed.</summary>
        public int Updated { get; init; }
    }

    /// <summary>
    /// Binds every row, <see cref="RegistryParallelism"/> twins at a time; rows of one twin in their order. Idempotent:
    /// the same registry again changes nothing (every row <c>unchanged</c>).
    /// </summary>
    public static async Task<RegistryResult> ImportAsync(IGrainFactory grains, AliasLookup aliases, IReadOnlyList<RegistryRow> rows, CancellationToken cancellationToken)
    {
        var results = new RegistryRowResult[rows.Count];
        var byTwin = rows.Select((row, index) => (Row: row, Index: index)).GroupBy(r => r.Row.Id ?? "", StringComparer.Ordinal);
        await Parallel.ForEachAsync(byTwin, new ParallelOptions { MaxDegreeOfParallelism = RegistryParallelism, CancellationToken = cancellationToken },
            async (twin, _) =>
            {
                foreach (var (row, index) in twin)
                {
                    results[index] = await ImportRowAsync(grains, aliases, row, index);
                }
            });

        int Count(string outcome) => results.Count(r => r.Outcome == outcome);
        return new RegistryResult(rows.Count, Count("created"), Count("linked"), Count("merged"), Count("unchanged"), Count("conflict"), Count("invalid"), results)
        {
            Updated = Count("updated"),
        };
    }

    private static async Task<RegistryRowResult> ImportRowAsync(IGrainFactory grains, AliasLookup aliases, RegistryRow row, int index)
    {
        var (registration, error) = Validate(row.Id, row.Vin, row.Aliases);
        var (patch, invalidData) = registration is null ? (null, null) : MasterDataRequests.FromRow(row);
        if (registration is null || invalidData is not null)
        {
            return new RegistryRowResult(index, row.Id, "invalid", error ?? invalidData, []);
        }

        var result = await RegisterAsync(grains, aliases, row.Id!, registration);
        var twin = result.Twin;
        if (patch is not null)
        {
            // Its master data follows the identity, on the twin the row's identity ended on (a merge may have moved it).
            twin = await grains.GetGrain<IVehicleTwinGrain>(result.Twin.Id).SetMasterDataAsync(patch, "registry") ?? twin;
        }

        var outcome = result switch
        {
            { Conflicts.Count: > 0 } => "conflict",
            { Created: true } => "created",
            { Merged.Count: > 0 } => "merged",
            { Linked.Count: > 0 } => "linked",
            _ when twin.Version != result.Twin.Version => "updated",
            _ => "unchanged",
        };
        var message = outcome switch
        {
            "conflict" => Describe(result.Conflicts),
            "merged" => $"merged {string.Join(", ", result.Merged)} into {result.Twin.Id}",
            "linked" => $"linked {string.Join(", ", result.Linked)}",
            _ => null,
        };
        return new RegistryRowResult(index, result.Twin.Id, outcome, message, result.Conflicts);
    }
}
