using System.Diagnostics;
using FleetTwins.Abstractions.Events;
using FleetTwins.Abstractions.Identity;
using FleetTwins.Abstractions.Notifications;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using Orleans.Concurrency;

namespace FleetTwins.Grains.Vehicles;

/// <summary>The grain-to-grain half of the identity rules: a twin asked for one of its aliases by another twin.</summary>
[Alias("ft.grains.IVehicleTwinHandOver")]
public interface IVehicleTwinHandOver : IGrainWithStringKey
{
    /// <summary>
    /// <paramref name="toTwinId"/> (holding <paramref name="toVin"/>, or no VIN) takes <paramref name="alias"/>. Without a
    /// VIN conflict this twin is the same vehicle: it is merged into the other (persisted) and hands over its state
    /// and live watchers. With one (both hold VINs, and they differ) it releases just the alias when
    /// <paramref name="releaseOnConflict"/> (a delivery's VIN decides), or refuses (an operator's link). It interleaves
    /// with whatever this twin runs and acts only while nothing else does: otherwise it answers at once, changing
    /// nothing, that the twin is busy or itself asking (<see cref="AliasYieldKind"/>), so no claim waits on a turn.
    /// </summary>
    [Alias("YieldAlias"), AlwaysInterleave]
    Task<AliasYield> YieldAliasAsync(string alias, string toTwinId, string? toVin, bool releaseOnConflict, string source, string? deliveryId);
}

/// <summary>What a twin asked for an alias did.</summary>
[GenerateSerializer, Alias("ft.grains.AliasYieldKind")]
public enum AliasYieldKind
{
    /// <summary>The twin merged into the asking one: <see cref="AliasYield.HandOver"/> holds its state.</summary>
    Merged,

    /// <summary>The twin gave up the alias (or did not hold it); the asking one may repoint it.</summary>
    Released,

    /// <summary>The twin holds another VIN and keeps the alias.</summary>
    Refused,

    /// <summary>The twin is running something else (a call, a background write): nothing changed, ask again shortly.</summary>
    Busy,

    /// <summary>The twin is itself asking a twin for an alias (perhaps the asker): nothing changed, the lower twin id goes first.</summary>
    Asking,
}

/// <summary>
/// The answer of <see cref="IVehicleTwinHandOver.YieldAliasAsync"/>. A released alias comes with the deliveries the
/// twin applied: a provider's retry of one of them, routed by the alias to its new twin, is still a duplicate.
/// </summary>
[GenerateSerializer, Immutable, Alias("ft.grains.AliasYield")]
public sealed record AliasYield(
    [property: Id(0)] AliasYieldKind Kind,
    [property: Id(1)] TwinHandOver? HandOver,
    [property: Id(2)] string? Vin,
    [property: Id(3)] Delivery.DeliveryLog? Deliveries = null);

/// <summary>What a merged twin hands over: its whole state, whoever was watching it live, and its id.</summary>
[GenerateSerializer, Immutable, Alias("ft.grains.TwinHandOver")]
public sealed record TwinHandOver(
    [property: Id(0)] VehicleTwinState State,
    [property: Id(1)] IReadOnlyList<IVehicleWatcher> Watchers,
    [property: Id(2)] string TwinId);

/// <summary>
/// The identity rules of one vehicle twin (docs/INGESTION.md, Identity), run inside its grain, one call at a time:
/// a twin never holds two VINs (it takes one only by claiming its <c>vin:</c> alias, which only one twin can own);
/// an alias is bound to one twin at a time (its alias grain is the authority); a delivery naming an alias of another
/// twin together with this twin's VIN moves the alias here (<c>identity-changed</c> on both) when that twin holds
/// another VIN, and merges that twin in when it holds none; an operator's link merges likewise, and is refused on a
/// VIN conflict. Changes of other grains (alias grains, the other twin) are made before this twin persists its own,
/// each of them idempotent, so a delivery retried after a crash completes what the first attempt began.
/// </summary>
internal sealed class TwinIdentity(string twinId, VehicleTwinState state, IGrainFactory grains, TwinTurns turns, TimeProvider clock,
    Func<TwinHandOver, Task> absorbAsync)
{
    /// <summary>How long a claim asks again a twin that is busy (or, with a higher id, asking too) before giving way.</summary>
    public static readonly TimeSpan ClaimPatience = TimeSpan.FromMilliseconds(800);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Takes what a delivery names, as far as the rules allow, and answers whether the delivery is this twin's: it
    /// holds (or has just claimed) the delivery's VIN, or, without a VIN, at least one of its aliases (or it names none).
    /// </summary>
    public async Task<bool> TakeAsync(VehicleIdentity identity, string source, string deliveryId, List<Notification> raised)
    {
        var (vinBefore, aliasesBefore, latestChange) = (state.Vin, state.Aliases.Count, state.AliasHistory.FirstOrDefault());
        try
        {
            return await TakeIdentityAsync(identity, source, deliveryId, raised);
        }
        finally
        {
            Changed = state.Vin != vinBefore || state.Aliases.Count != aliasesBefore || !ReferenceEquals(state.AliasHistory.FirstOrDefault(), latestChange);
        }
    }

    /// <summary>Whether the last <see cref="TakeAsync"/> changed the twin's identity (which a journal record does not carry).</summary>
    public bool Changed { get; private set; }

    private async Task<bool> TakeIdentityAsync(VehicleIdentity identity, string source, string deliveryId, List<Notification> raised)
    {
        if (identity.Vin is { } vin && !await TakeVinAsync(vin))
        {
            return false;
        }

        // A delivery addressed to this twin by id, naming nothing, is this twin's.
        var owned = identity.Vin is not null || identity.Aliases.Count == 0;
        foreach (var alias in identity.Aliases)
        {
            if (state.Aliases.Contains(alias))
            {
                owned = true;
                continue;
            }

            if (state.Lost(alias, twinId) && identity.Vin is null)
            {
                continue; // moved away or unlinked: only a delivery with this twin's VIN brings it back
            }

            var owner = await Alias(alias).ClaimAsync(twinId);
            if (owner == twinId)
            {
                state.AddAlias(alias);
                owned = true;
            }
            else if (identity.Vin is not null
                && await TakeFromAsync(owner, alias, releaseOnConflict: true, source, deliveryId, raised) is { Kind: AliasYieldKind.Busy or AliasYieldKind.Asking })
            {
                // Named with this twin's VIN, the vehicle is this one, whoever held the alias: that twin answers later.
                throw new IdentityUnsettledException($"twin '{owner}' holding {alias} is busy: deliver again");
            }
        }

        return owned;
    }

    /// <summary>
    /// An operator's registration or link: the VIN first (a conflict when another twin holds it), then each alias
    /// (the twin holding it merged in; a conflict when that twin holds another VIN).
    /// </summary>
    public async Task<(List<string> Linked, List<string> Merged, List<IdentityConflict> Conflicts)> ClaimAsync(
        string? vin, IReadOnlyList<string> aliases, List<Notification> raised)
    {
        List<string> linked = [], merged = [];
        List<IdentityConflict> conflicts = [];
        if (vin is not null && state.Vin != vin)
        {
            var owner = await Alias($"vin:{vin}").ClaimAsync(twinId);
            if (owner != twinId)
            {
                conflicts.Add(new IdentityConflict($"vin:{vin}", owner, $"VIN {vin} belongs to twin '{owner}'"));
                return (linked, merged, conflicts);
            }

            if (state.Vin is { } previous)
            {
                // A corrected VIN: the old one no longer names this twin.
                await Alias($"vin:{previous}").UnbindAsync(twinId);
                Record(new AliasChange($"vin:{previous}", twinId, null, clock.GetUtcNow(), Sources.Api), raised);
                state.RemoveAlias($"vin:{previous}");
            }

            state.Vin = vin;
            state.AddAlias($"vin:{vin}");
            Record(new AliasChange($"vin:{vin}", null, twinId, clock.GetUtcNow(), Sources.Api), raised);
            linked.Add($"vin:{vin}");
        }

        foreach (var alias in aliases.Where(a => !a.StartsWith("vin:", StringComparison.Ordinal)).Distinct())
        {
            if (state.Aliases.Contains(alias))
            {
                continue;
            }

            var owner = await Alias(alias).ClaimAsync(twinId);
            if (owner == twinId)
            {
                state.AddAlias(alias);
                Record(new AliasChange(alias, null, twinId, clock.GetUtcNow(), Sources.Api), raised);
                linked.Add(alias);
                continue;
            }

            switch (await TakeFromAsync(owner, alias, releaseOnConflict: false, Sources.Api, null, raised))
            {
                case { Kind: AliasYieldKind.Merged }:
                    merged.Add(owner);
                    break;
                case { Kind: AliasYieldKind.Released }:
                    linked.Add(alias);
                    break;
                case { Kind: AliasYieldKind.Refused } refused:
                    conflicts.Add(new IdentityConflict(alias, owner, $"{alias} belongs to twin '{owner}', which holds VIN {refused.Vin}"));
                    break;
                case { Kind: AliasYieldKind.Asking }:
                    conflicts.Add(new IdentityConflict(alias, owner,
                        $"{alias} belongs to twin '{owner}', which is claiming an alias at the same time (of crossing claims the lower twin id goes first): try again"));
                    break;
                case { Kind: AliasYieldKind.Busy }:
                    conflicts.Add(new IdentityConflict(alias, owner, $"{alias} belongs to twin '{owner}', which stayed busy for {ClaimPatience.TotalMilliseconds} ms: try again"));
                    break;
            }
        }

        return (linked, merged, conflicts);
    }

    /// <summary>An operator's unlink: the alias is unbound and leaves this twin; false when it is not this twin's.</summary>
    public async Task<bool> UnlinkAsync(string alias, List<Notification> raised)
    {
        if (!state.Aliases.Contains(alias))
        {
            return false;
        }

        await Alias(alias).UnbindAsync(twinId);
        state.RemoveAlias(alias);
        Record(new AliasChange(alias, twinId, null, clock.GetUtcNow(), Sources.Api), raised);
        return true;
    }

    /// <summary>
    /// The other side of <see cref="TakeFromAsync"/>: this twin is asked for one of its aliases. Answers what it does, and
    /// whether its state changed (the grain then persists it before answering the asking twin).
    /// </summary>
    public (AliasYieldKind Kind, bool Changed) Yield(string alias, string toTwinId, string? toVin, bool releaseOnConflict,
        string source, string? deliveryId, List<Notification> raised)
    {
        if (state.MergedInto is { } target)
        {
            // Merged already (into the asking twin by an attempt that crashed before it finished: hand over again).
            return (target == toTwinId ? AliasYieldKind.Merged : AliasYieldKind.Released, false);
        }

        if (!state.Aliases.Contains(alias))
        {
            return (AliasYieldKind.Released, false);
        }

        if (state.Vin is null || toVin is null || state.Vin == toVin)
        {
            state.MergedInto = toTwinId;
            return (AliasYieldKind.Merged, true);
        }

        if (!releaseOnConflict)
        {
            return (AliasYieldKind.Refused, false);
        }

        state.RemoveAlias(alias);
        Record(new AliasChange(alias, twinId, toTwinId, clock.GetUtcNow(), source, deliveryId), raised);
        return (AliasYieldKind.Released, true);
    }

    /// <summary>
    /// Lets go of every <c>vin:</c> alias but the one of the twin's VIN (only twins stored before these rules have
    /// more); answers whether there was any.
    /// </summary>
    public async Task<bool> ReleaseExtraVinsAsync(List<Notification> raised)
    {
        var extra = state.Aliases.Where(a => a.StartsWith("vin:", StringComparison.Ordinal) && a != $"vin:{state.Vin}").ToList();
        foreach (var alias in extra)
        {
            await Alias(alias).UnbindAsync(twinId);
            state.Aliases.Remove(alias);
            Record(new AliasChange(alias, twinId, null, clock.GetUtcNow(), "repair"), raised);
        }

        return extra.Count > 0;
    }

    /// <summary>Takes the VIN by claiming its alias; false when this twin holds another VIN or another twin holds this one.</summary>
    private async Task<bool> TakeVinAsync(string vin)
    {
        if (state.Vin is not null)
        {
            return state.Vin == vin;
        }

        // An operator unlinked this VIN from this twin: it names another vehicle now.
        if (state.Lost($"vin:{vin}", twinId) || await Alias($"vin:{vin}").ClaimAsync(twinId) != twinId)
        {
            return false;
        }

        state.Vin = vin;
        state.AddAlias($"vin:{vin}");
        return true;
    }

    /// <summary>Asks the twin holding <paramref name="alias"/> for it: merges that twin in, or moves the alias over.</summary>
    private async Task<AliasYield> TakeFromAsync(string owner, string alias, bool releaseOnConflict, string source, string? deliveryId,
        List<Notification> raised)
    {
        var answer = await AskAsync(owner, alias, releaseOnConflict, source, deliveryId);
        switch (answer.Kind)
        {
            case AliasYieldKind.Merged:
                var other = answer.HandOver!.State;
                await absorbAsync(answer.HandOver);
                foreach (var moved in other.Aliases)
                {
                    // The merged twin's aliases move here; one that moved elsewhere meanwhile stays there.
                    if (await Alias(moved).RepointAsync(owner, twinId) == twinId)
                    {
                        state.AddAlias(moved);
                        Record(new AliasChange(moved, owner, twinId, clock.GetUtcNow(), "merge", deliveryId), null);
                    }
                    else
                    {
                        state.RemoveAlias(moved);
                    }
                }

                break;
            case AliasYieldKind.Released when await Alias(alias).RepointAsync(owner, twinId) == twinId:
                if (answer.Deliveries is { } applied)
                {
                    state.Deliveries.AddAll(applied);
                }

                state.AddAlias(alias);
                Record(new AliasChange(alias, owner, twinId, clock.GetUtcNow(), source, deliveryId), raised);
                break;
        }

        return answer;
    }

    /// <summary>
    /// Asks <paramref name="owner"/> to yield <paramref name="alias"/>; it answers at once, acting only when idle. A busy
    /// owner is asked again, briefly; one that is itself asking a twin is asked again only by a twin with a lower id,
    /// and a twin with a higher id gives way at once: of claims that cross (each twin asking the other), the lower id
    /// wins within milliseconds and the other answers why, instead of both waiting on each other's turn.
    /// </summary>
    private Task<AliasYield> AskAsync(string owner, string alias, bool releaseOnConflict, string source, string? deliveryId) =>
        // Asking for the whole of it, pauses included: a twin this one asks meanwhile hears that, not "busy".
        turns.AskAsync(() => AskUntilAnsweredAsync(owner, alias, releaseOnConflict, source, deliveryId));

    private async Task<AliasYield> AskUntilAnsweredAsync(string owner, string alias, bool releaseOnConflict, string source, string? deliveryId)
    {
        var patience = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            var answer = await grains.GetGrain<IVehicleTwinHandOver>(owner).YieldAliasAsync(alias, twinId, state.Vin, releaseOnConflict, source, deliveryId);
            var givesWay = answer.Kind == AliasYieldKind.Asking && string.CompareOrdinal(twinId, owner) > 0;
            if (answer.Kind is not (AliasYieldKind.Busy or AliasYieldKind.Asking) || givesWay || patience.Elapsed + pause > ClaimPatience)
            {
                return answer;
            }

            // Real time, not the twin's clock: how long another activation's turn takes.
            await Task.Delay(pause);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    /// <summary>
    /// Keeps the change in the alias history and raises <c>identity-changed</c> when the alias left a twin (moved on or
    /// unlinked); a first binding and the aliases a merge brings along are history only.
    /// </summary>
    private void Record(AliasChange change, List<Notification>? raised)
    {
        state.RecordAliasChange(change);
        if (change.From is not null)
        {
            raised?.Add(NotificationRules.IdentityChanged(twinId, change.Alias, change.From, change.To, change.DeliveryId, change.At));
        }
    }

    private IAliasGrain Alias(string alias) => grains.GetGrain<IAliasGrain>(alias);
}
