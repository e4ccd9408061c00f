using FleetTwins.Abstractions.Geofences;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Rules;
using FleetTwins.Search.Filters;
using Microsoft.Extensions.Options;
using static FleetTwins.Host.Api.Rules.RuleEndpoints;

namespace FleetTwins.Host.Api.Rules;

/// <summary>What writing a rule came to; REST and gRPC each answer it in their own terms.</summary>
public abstract record RulePut
{
    private RulePut()
    {
    }

    /// <summary>The rule is not valid; <see cref="Problem"/> names the field and what is wrong with it. Nothing was stored.</summary>
    public sealed record Invalid(string Problem) : RulePut;

    /// <summary>Asked to create only, and a rule has the id.</summary>
    public sealed record Exists(string Id) : RulePut;

    /// <summary>The registry holds <see cref="IRuleRegistryGrain.MaxRules"/> rules already.</summary>
    public sealed record Full : RulePut;

    /// <summary>Stored: the rule as the registry holds it now.</summary>
    public sealed record Written(RuleView Rule, bool Created) : RulePut;
}

/// <summary>
/// The operators' rules behind both APIs (REST <c>/api/rules</c>, gRPC <c>PutRule</c> and the rest): the one place a rule
/// is read and validated, and the registry calls of each use case, so the two surfaces cannot drift apart.
/// </summary>
public sealed class RuleAdministration(IGrainFactory grains, RuleAlertCounts counts, IOptions<FilterTimeZoneOptions> zone)
{
    private IRuleRegistryGrain Registry => grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key);

    /// <summary>Validates <paramref name="body"/> as the rule <paramref name="id"/> and stores it; with <paramref name="create"/> only if the id is new.</summary>
    public async Task<RulePut> PutAsync(string? id, RuleBody body, bool create)
    {
        Rule rule;
        try
        {
            rule = Read(id, body);
            foreach (var geofence in CompiledRule.Compile(rule, zone.Value.Context(forRules: true)).Geofences)
            {
                if (await GeofenceRegistry.Get(grains).GetAsync(geofence) is null)
                {
                    throw new RuleException($"inside({geofence}): there is no geofence '{geofence}'");
                }
            }
        }
        catch (RuleException e)
        {
            return new RulePut.Invalid(e.Message);
        }

        switch (await Registry.PutAsync(rule, create))
        {
            case RuleWrite.Exists:
                return new RulePut.Exists(rule.Id);
            case RuleWrite.Full:
                return new RulePut.Full();
            case var written:
                // As the registry holds it now; a delete that came between answers the rule as it was written.
                var stored = (await Registry.GetAsync()).Rules.SingleOrDefault(r => r.Id == rule.Id) ?? rule;
                return new RulePut.Written(RuleView.From(stored, await counts.OpenAsync(stored.Id)), written == RuleWrite.Created);
        }
    }

    /// <summary>Removes the rule (its open alerts clear with reason rule-deleted); false when there was none.</summary>
    public Task<bool> DeleteAsync(string id) => Registry.DeleteAsync(id);

    /// <summary>Every rule, by id, with the alerts each holds open.</summary>
    public async Task<RuleList> ListAsync()
    {
        var set = await Registry.GetAsync();
        var open = await counts.OpenByRuleAsync();
        return new RuleList([.. set.Rules.Select(r => RuleView.From(r, open.GetValueOrDefault(r.Id)))], set.Version);
    }

    /// <summary>The rule <paramref name="id"/>, or null when there is none.</summary>
    public async Task<RuleView?> GetAsync(string id) =>
        (await Registry.GetAsync()).Rules.FirstOrDefault(r => r.Id == id) is { } rule ? RuleView.From(rule, await counts.OpenAsync(id)) : null;

    /// <summary>The body as a rule; a <see cref="RuleException"/> names a missing or malformed part.</summary>
    private static Rule Read(string? id, RuleBody body)
    {
        // REST refuses control characters where its JSON is read; gRPC text arrives unchecked, so both meet the check here.
        foreach (var (name, text) in new[]
                 {
                     ("id", id), ("name", body.Name), ("when", body.When), ("for", body.For), ("clearWhen", body.ClearWhen), ("clearFor", body.ClearFor),
                     ("severity", body.Severity), ("appliesTo", body.AppliesTo), ("notifyEvery", body.NotifyEvery),
                 })
        {
            if (text is not null && StrictJson.HasControl(text))
            {
                throw new RuleException($"{name}: holds a control character");
            }
        }

        return new()
        {
            Id = id ?? throw new RuleException("id: required"),
            Name = body.Name ?? throw new RuleException("name: required"),
            When = body.When ?? throw new RuleException("when: required"),
            For = Duration("for", body.For) ?? TimeSpan.Zero,
            ClearWhen = body.ClearWhen,
            ClearFor = Duration("clearFor", body.ClearFor) ?? TimeSpan.Zero,
            Severity = body.Severity ?? throw new RuleException("severity: required"),
            AppliesTo = body.AppliesTo,
            Enabled = body.Enabled ?? true,
            NotifyEvery = Duration("notifyEvery", body.NotifyEvery),
        };
    }

    private static TimeSpan? Duration(string name, string? text) =>
        text is null ? null : Durations.TryParse(text, out var value) ? value : throw new RuleException($"{name}: '{text}' is not a duration; {Durations.Form}");
}
