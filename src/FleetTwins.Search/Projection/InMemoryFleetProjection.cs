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
            vehicles.AddOrUpdate(summary.Id, summary, (_, existing) => existing.Version <= summary.Version ? summary : existing); // the same version again: its newest form (a field added since)
        }

        foreach (var id in removals)
        {
            vehicles.TryRemove(id, out _);
        }

        return Task.CompletedTask;
    }

    public Task<SearchPage<VehicleSummary>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(KeysetPaging.Page(vehicles.Values, v => v.Id, query, filterText, now));

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
