using FleetTwins.Abstractions.Rules;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Registries;
using FleetTwins.Search.Feed;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Grains.Rules;

/// <summary>
/// Brings a rule change to the vehicles it may concern, without waking the fleet: the silo's catalogue first (its twins
/// see the change at once; other silos' within <see cref="RegistryCopy{T}.PollInterval"/>), then, once every silo's
/// catalogue has it and what their twins decided before is in the fleet projection, the twins the projection names as candidates — those whose row matches the rule's condition (before or after the change) and those
/// holding an alert — each asked to evaluate, at most <see cref="TwinsPerSecond"/> a second. Twins the projection does
/// not name pick the change up with their next reading.
/// </summary>
public sealed class RuleRollout(IServiceProvider services, RuleCatalog catalog, TimeProvider clock, ILogger<RuleRollout> logger)
{
    public const int TwinsPerSecond = 500;

    /// <summary>How long after a change every silo's catalogue holds it and the projection shows what was decided before.</summary>
    public static readonly TimeSpan SettledAfter = RegistryCopy<CompiledRules>.PollInterval + 4 * FleetFeed.FlushInterval;

    private const string HoldingAlerts = "alerts > 0";

    /// <summary>Starts bringing <paramref name="changed"/> (the rules as they were and are) to the fleet, in the background.</summary>
    public void Changed(RuleSet set, IReadOnlyList<Rule> changed) => _ = Task.Run(() => RollOutAsync(set.Version, changed));

    private async Task RollOutAsync(long version, IReadOnlyList<Rule> changed)
    {
        try
        {
            await catalog.RefreshAsync();
            if (services.GetService<IFleetProjection>() is not { } projection)
            {
                return;
            }

            // A twin on another silo may decide with the rules before the change until its catalogue polls; the projection
            // names it once that decision is flushed (real time, as the catalogues and the feed run on it).
            await Task.Delay(SettledAfter);

            var grains = services.GetRequiredService<IGrainFactory>();
            var candidates = new HashSet<string>(StringComparer.Ordinal);
            foreach (var condition in changed.Select(r => r.When).Append(HoldingAlerts).Distinct())
            {
                await foreach (var id in MatchingAsync(projection, condition))
                {
                    candidates.Add(id);
                }
            }

            var started = clock.GetUtcNow();
            var asked = 0;
            var failed = 0;
            foreach (var id in candidates)
            {
                try
                {
                    await grains.GetGrain<IVehicleTwinGrain>(id).EvaluateRulesAsync(version);
                }
                catch (Exception e)
                {
                    // One twin that cannot answer now (its storage refused, it is moving) does not hold up the others.
                    failed++;
                    logger.LogDebug(e, "Twin {TwinId} did not evaluate rules version {Version}", id, version);
                }

                if (++asked % TwinsPerSecond == 0 && TimeSpan.FromSeconds(asked / TwinsPerSecond) - (clock.GetUtcNow() - started) is { Ticks: > 0 } ahead)
                {
                    await Task.Delay(ahead, clock);
                }
            }

            logger.LogInformation("Rules version {Version} brought to {Count} candidate twins ({Failed} did not answer; they see it with their next reading)",
                version, candidates.Count, failed);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Rules version {Version} was not brought to every candidate twin; the others see it with their next reading", version);
        }
    }

    private async IAsyncEnumerable<string> MatchingAsync(IFleetProjection projection, string condition)
    {
        var filter = FilterParser.Parse(condition);
        string? cursor = null;
        do
        {
            var after = cursor is null ? null : PageCursor.Decode(cursor, SortOrder.ById, condition);
            var page = await projection.SearchAsync(new SearchQuery(filter, SortOrder.ById, SearchQuery.MaxLimit, after), condition, clock.GetUtcNow(), default);
            foreach (var vehicle in page.Items)
            {
                yield return vehicle.Id;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }
}
