using System.Collections.Concurrent;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Projection;

/// <summary>The projection of the embedded profile: a dictionary, searched by evaluating the filter on every row.</summary>
public sealed class InMemoryFleetProjection : IFleetProjection
{
    private readonly ConcurrentDictionary<string, VehicleSummary> vehicles = new(StringComparer.Ordinal);

    public int Count => vehicles.Count;

    public Task WriteAsync(IReadOnlyCollection<VehicleSummary> upserts, IReadOnlyCollection<string> removals, CancellationToken cancellationToken)
    {
        foreach (var summary in upserts)
        {
            vehicles.AddOrUpdate(summary.Id, summary, (_, existing) => existing.Version < summary.Version ? summary : existing);
        }

        foreach (var id in removals)
        {
            vehicles.TryRemove(id, out _);
        }

        return Task.CompletedTask;
    }

    public Task<SearchPage> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The first limit + 1 in order, kept in a heap whose top is the last of them: O(n log limit), no full sort.
        var sort = query.Sort;
        var keep = query.Limit + 1;
        var first = new PriorityQueue<VehicleSummary, VehicleSummary>(keep + 1, Comparer<VehicleSummary>.Create((a, b) => sort.Compare(b, a)));
        foreach (var v in vehicles.Values)
        {
            if ((query.After is { } after && sort.Compare(sort.Field.Read(v), v.Id, after.Value, after.Id) <= 0)
                || (first.Count == keep && sort.Compare(v, first.Peek()) >= 0)
                || !FilterEvaluator.Matches(query.Filter, v, now))
            {
                continue;
            }

            first.Enqueue(v, v);
            if (first.Count > keep)
            {
                first.Dequeue();
            }
        }

        var matches = new List<VehicleSummary>(first.Count);
        while (first.TryDequeue(out var v, out _))
        {
            matches.Add(v);
        }

        matches.Reverse();
        var page = matches.Take(query.Limit).ToList();
        var next = matches.Count > query.Limit ? PageCursor.After(page[^1], sort, filterText).Encode() : null;
        return Task.FromResult(new SearchPage(page, next));
    }

    public ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken) => ValueTask.FromResult((long)vehicles.Count);

    public Task<FleetAggregates> AggregateAsync(Filter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var matches = vehicles.Values.Where(v => FilterEvaluator.Matches(filter, v, now)).ToList();
        var online = matches.LongCount(v => v.Online);
        var socs = matches.Where(v => v.Soc is not null).Select(v => v.Soc!.Value).ToList();
        return Task.FromResult(new FleetAggregates(
            matches.Count,
            online,
            matches.Count == 0 ? null : (double)online / matches.Count,
            socs.Count == 0 ? null : socs.Average(),
            matches.GroupBy(v => v.Charging ?? FleetAggregates.UnknownCharging).ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal)));
    }
}
