using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace FleetTwins.Grains.History;

/// <summary>
/// The history of one vehicle twin: its journal decoded into a <see cref="TwinTimeline"/> on first use, then only the
/// journal's tail read on each call. A grain of its own, beside the twin: history queries never wait on the twin's
/// deliveries, and deliveries never wait on them. Holds no state of its own: everything is read from the journal and the
/// snapshot archive, so it may deactivate at any time.
/// </summary>
[GrainType("vehicle-history")]
public sealed class VehicleHistoryGrain(
    ITwinJournal journal,
    Serializer serializer,
    IOptions<NotificationOptions> rules) : Grain, IVehicleHistoryGrain
{
    private TwinTimeline? timeline;

    private ITwinSnapshotArchive? Archive => ServiceProvider.GetService<ITwinSnapshotArchive>();

    public async Task<HistoryPage> GetHistoryAsync(HistoryQuery query)
    {
        var held = await CatchUpAsync();
        var (items, more) = held.Readings(query.Reading, query.From, query.To, query.After, query.Limit);
        return new HistoryPage(items, more ? items[^1].Position : null, held.RetainedFrom);
    }

    public async Task<TripPage> ListTripsAsync(TripQuery query)
    {
        var (items, more) = (await CatchUpAsync()).Trips(query.From, query.To, query.After, query.Limit);
        return new TripPage(items, more ? new TripPosition(items[^1].StartedAt, items[^1].Id) : null);
    }

    public async Task<TripTrack?> GetTrackAsync(string tripId, int limit, HistoryPosition? after)
    {
        var held = await CatchUpAsync();
        if (held.Trip(tripId) is not { } trip)
        {
            return null;
        }

        var (items, more) = held.Track(trip, after, limit);
        return new TripTrack(trip, [.. items.Select(p => new TrackPoint(p.Latitude!.Value, p.Longitude!.Value, p.At))],
            more ? items[^1].Position : null);
    }

    public async Task<AsOfAnswer> GetAsOfAsync(DateTimeOffset at)
    {
        var held = await CatchUpAsync();
        var retainedFrom = await RetainedFromAsync(held);
        if (Archive is not { } archive || await archive.FindAsync(this.GetPrimaryKeyString(), at) is not { } snapshot)
        {
            return new AsOfAnswer(null, retainedFrom);
        }

        var state = held.StateAt(serializer.Deserialize<VehicleTwinState>(snapshot.State)!, snapshot.Sequence, at);
        if (state is null)
        {
            // The timeline started after this snapshot (a gap in the kept journal): read the records after it.
            state = serializer.Deserialize<VehicleTwinState>(snapshot.State)!;
            foreach (var entry in await journal.ReadAsync(this.GetPrimaryKeyString(), snapshot.Sequence))
            {
                if (entry.At > at)
                {
                    break;
                }

                state.Replay(this.GetPrimaryKeyString(), serializer.Deserialize<TwinChange>(entry.Record)!, rules.Value);
            }
        }

        return new AsOfAnswer(state.ToSnapshot(this.GetPrimaryKeyString()), retainedFrom);
    }

    public async Task<NotificationPage> GetNotificationsAsync(NotificationQuery query)
    {
        var held = await CatchUpAsync();
        var current = await GrainFactory.GetGrain<IVehicleTwinGrain>(this.GetPrimaryKeyString()).GetNotificationsAsync();
        var (items, more) = held.Notifications(current ?? [], query.From, query.To, query.After, query.Limit);
        return new NotificationPage(items, more ? new NotificationPosition(items[^1].At, items[^1].Id) : null);
    }

    /// <summary>Reads what the journal holds beyond what the timeline has (all of it, the first time).</summary>
    private async Task<TwinTimeline> CatchUpAsync()
    {
        var twinId = this.GetPrimaryKeyString();
        var entries = await journal.ReadAsync(twinId, timeline?.Sequence ?? 0);
        if (timeline is null)
        {
            timeline = new TwinTimeline(twinId, rules.Value);
            timeline.Start(await BaseAsync(twinId, entries), entries.Count > 0 ? entries[0].Sequence - 1 : 0);
        }

        foreach (var entry in entries)
        {
            timeline.Add(entry.Sequence, entry.At, entry.DeliveryId, serializer.Deserialize<TwinChange>(entry.Record)!);
        }

        return timeline;
    }

    /// <summary>
    /// What the kept journal replays onto: an empty twin when it starts at the first record; otherwise the archived
    /// snapshot that holds exactly the records before it, when there is one.
    /// </summary>
    private async Task<VehicleTwinState?> BaseAsync(string twinId, IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count == 0 || entries[0].Sequence == 1)
        {
            return new VehicleTwinState();
        }

        return Archive is { } archive && await archive.FindAsync(twinId, entries[0].At) is { } snapshot && snapshot.Sequence == entries[0].Sequence - 1
            ? serializer.Deserialize<VehicleTwinState>(snapshot.State)!
            : null;
    }

    private async Task<DateTimeOffset?> RetainedFromAsync(TwinTimeline held) =>
        Archive is { } archive && await archive.FindAsync(this.GetPrimaryKeyString(), null) is { } oldest
            ? oldest.At
            : held.RetainedFrom;
}
