using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Alerts;

/// <summary>
/// Every alert of the fleet, ours and the providers', searchable in one inbox: written by the alert grains (an alert
/// is only ever replaced by a newer version), read by the alerts API.
/// </summary>
public interface IAlertIndex
{
    /// <summary>Stores each alert unless a newer version of it is there.</summary>
    Task WriteAsync(IReadOnlyCollection<Alert> alerts, CancellationToken cancellationToken);

    Task<Alert?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>How many alerts each rule holds open (active or acknowledged), by rule id; rules with none are absent.</summary>
    Task<IReadOnlyDictionary<string, long>> CountOpenByRuleAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The alerts <paramref name="query"/> matches (its filter parsed against <see cref="AlertFields.Catalogue"/>), a page
    /// in its order after its cursor; <paramref name="filterText"/> is what the cursor of the next page is bound to.
    /// </summary>
    Task<SearchPage<Alert>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>About how many alerts a search may scan (all of them, at most): what a search's cost is counted in.</summary>
    ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken);
}
