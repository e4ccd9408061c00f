using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Projection;

/// <summary>
/// The fleet's searchable state: one <see cref="VehicleSummary"/> row per vehicle twin, written by the silos' feeds
/// (a row is only ever replaced by a newer version), read by fleet search and aggregates.
/// </summary>
public interface IFleetProjection
{
    /// <summary>Stores the summaries (each unless a newer version is there) and removes the twins merged away.</summary>
    Task WriteAsync(IReadOnlyCollection<VehicleSummary> upserts, IReadOnlyCollection<string> removals, CancellationToken cancellationToken);

    Task<SearchPage<VehicleSummary>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken);

    Task<FleetAggregates> AggregateAsync(Filter filter, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>About how many rows a search may scan (all of them, at most): what a search's cost is counted in.</summary>
    ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken);
}
