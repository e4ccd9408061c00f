using FleetTwins.Search.Alerts;

namespace FleetTwins.Host.Api.Rules;

/// <summary>How many alerts each rule holds open, from the alert inbox (a rule's <c>openAlerts</c>).</summary>
public sealed class RuleAlertCounts(IAlertIndex index)
{
    public Task<IReadOnlyDictionary<string, long>> OpenByRuleAsync() => index.CountOpenByRuleAsync(CancellationToken.None);

    public async Task<long> OpenAsync(string ruleId) => (await OpenByRuleAsync()).GetValueOrDefault(ruleId);
}
