using System.Collections.Concurrent;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Alerts;

/// <summary>The alert index of the embedded profile: a dictionary, searched by evaluating the filter on every alert.</summary>
public sealed class InMemoryAlertIndex : IAlertIndex
{
    private readonly ConcurrentDictionary<string, Alert> alerts = new(StringComparer.Ordinal);

    public int Count => alerts.Count;

    public Task WriteAsync(IReadOnlyCollection<Alert> alerts, CancellationToken cancellationToken)
    {
        foreach (var alert in alerts)
        {
            this.alerts.AddOrUpdate(alert.Id, alert, (_, existing) => existing.Version < alert.Version ? alert : existing);
        }

        return Task.CompletedTask;
    }

    public Task<Alert?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(alerts.GetValueOrDefault(id));

    public Task<SearchPage<Alert>> SearchAsync(SearchQuery query, string? filterText, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(KeysetPaging.Page(alerts.Values, a => a.Id, query, filterText, now));

    public Task<IReadOnlyDictionary<string, long>> CountOpenByRuleAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(alerts.Values.Where(a => a.Rule is not null && a.Open)
            .GroupBy(a => a.Rule!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal));

    public ValueTask<long> EstimateRowsAsync(CancellationToken cancellationToken) => ValueTask.FromResult((long)alerts.Count);
}
