using FleetTwins.Abstractions.Geofences;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Rules;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Search.Filters;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api.Rules;

/// <summary><c>/api/rules</c>: the operators' rules (docs/RULES.md); admin to write, read to list.</summary>
public static class RuleEndpoints
{
    /// <summary>Largest rule body read (413 beyond).</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>A rule as the API writes it: durations as <c>10m</c>.</summary>
    public sealed record RuleBody(
        string? Id, string? Name, string? When, string? For, string? ClearWhen, string? ClearFor, string? Severity, string? AppliesTo,
        bool? Enabled, string? NotifyEvery);

    /// <summary>A rule as the API shows it, with the alerts it holds open.</summary>
    public sealed record RuleView(
        string Id, string Name, string When, string For, string? ClearWhen, string ClearFor, string Severity, string? AppliesTo, bool Enabled,
        string? NotifyEvery, long Version, DateTimeOffset UpdatedAt, long OpenAlerts)
    {
        public static RuleView From(Rule r, long openAlerts) => new(r.Id, r.Name, r.When, Durations.Format(r.For), r.ClearWhen,
            Durations.Format(r.ClearFor), r.Severity, r.AppliesTo, r.Enabled, r.NotifyEvery is { } every ? Durations.Format(every) : null,
            r.Version, r.UpdatedAt, openAlerts);
    }

    public sealed record RuleList(IReadOnlyList<RuleView> Items, long Version);

    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder routes)
    {
        var rules = routes.MapApiGroup("/api/rules", "Rules");
        rules.MapPost("/", CreateAsync).WithName("CreateRule").RequireAuthorization(ApiScopes.Admin).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Creates a rule (201); 409 when its id exists; 400 naming what is wrong with it.");
        rules.MapPut("/{id}", ReplaceAsync).WithName("ReplaceRule").RequireAuthorization(ApiScopes.Admin).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Creates (201) or replaces (200) the rule with this id; twins see the change within about a second.");
        rules.MapDelete("/{id}", DeleteAsync).WithName("DeleteRule").RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Deletes the rule; its open alerts clear with reason rule-deleted.");
        rules.MapGet("/", ListAsync).WithName("ListRules").RequireAuthorization(ApiScopes.Read)
            .WithSummary("Every rule, by id, with how many alerts each holds open.");
        rules.MapGet("/{id}", GetAsync).WithName("GetRule").RequireAuthorization(ApiScopes.Read);
        return routes;
    }

    private static IRuleRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IRuleRegistryGrain>(IRuleRegistryGrain.Key);

    private static Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> CreateAsync(RuleBody body, IGrainFactory grains, RuleAlertCounts counts,
        IOptions<FilterTimeZoneOptions> zone) =>
        WriteAsync(body.Id, body, create: true, grains, counts, zone.Value);

    private static Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> ReplaceAsync(string id, RuleBody body, IGrainFactory grains,
        RuleAlertCounts counts, IOptions<FilterTimeZoneOptions> zone)
    {
        if (body.Id is { } named && named != id)
        {
            return Task.FromResult<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>>(
                new BadRequestProblem("Invalid rule", $"id: the body names '{named}', the path '{id}'"));
        }

        return WriteAsync(id, body, create: false, grains, counts, zone.Value);
    }

    private static async Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> WriteAsync(string? id, RuleBody body,
        bool create, IGrainFactory grains, RuleAlertCounts counts, FilterTimeZoneOptions zone)
    {
        Rule rule;
        try
        {
            rule = Read(id, body);
            foreach (var geofence in CompiledRule.Compile(rule, zone.Context(forRules: true)).Geofences)
            {
                if (await GeofenceRegistry.Get(grains).GetAsync(geofence) is null)
                {
                    throw new RuleException($"inside({geofence}): there is no geofence '{geofence}'");
                }
            }
        }
        catch (RuleException e)
        {
            return new BadRequestProblem("Invalid rule", e.Message);
        }

        var registry = Registry(grains);
        switch (await registry.PutAsync(rule, create))
        {
            case RuleWrite.Exists:
                return new ConflictProblem("Rule exists", $"A rule with id '{rule.Id}' exists; PUT /api/rules/{rule.Id} replaces it.");
            case RuleWrite.Full:
                return new ConflictProblem("Too many rules", $"The fleet has {IRuleRegistryGrain.MaxRules} rules, the most it may have; delete one first.");
            case var written:
                var stored = (await registry.GetAsync()).Rules.Single(r => r.Id == rule.Id);
                var view = RuleView.From(stored, await counts.OpenAsync(stored.Id));
                return written == RuleWrite.Created ? TypedResults.Created($"/api/rules/{rule.Id}", view) : TypedResults.Ok(view);
        }
    }

    /// <summary>The body as a rule; a <see cref="RuleException"/> names a missing or malformed part.</summary>
    private static Rule Read(string? id, RuleBody body) => new()
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

    private static TimeSpan? Duration(string name, string? text) =>
        text is null ? null : Durations.TryParse(text, out var value) ? value : throw new RuleException($"{name}: '{text}' is not a duration; {Durations.Form}");

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(string id, IGrainFactory grains) =>
        await Registry(grains).DeleteAsync(id) ? TypedResults.NoContent() : NoSuchRule(id);

    private static async Task<Ok<RuleList>> ListAsync(IGrainFactory grains, RuleAlertCounts counts)
    {
        var set = await Registry(grains).GetAsync();
        var open = await counts.OpenByRuleAsync();
        return TypedResults.Ok(new RuleList([.. set.Rules.Select(r => RuleView.From(r, open.GetValueOrDefault(r.Id)))], set.Version));
    }

    private static async Task<Results<Ok<RuleView>, NotFoundProblem>> GetAsync(string id, IGrainFactory grains, RuleAlertCounts counts) =>
        (await Registry(grains).GetAsync()).Rules.FirstOrDefault(r => r.Id == id) is { } rule
            ? TypedResults.Ok(RuleView.From(rule, await counts.OpenAsync(id)))
            : NoSuchRule(id);

    private static NotFoundProblem NoSuchRule(string id) => new("No such rule", $"There is no rule '{id}'.");
}
