using FleetTwins.Abstractions.Rules;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> CreateAsync(RuleBody body, RuleAdministration rules) =>
        WriteAsync(body.Id, body, create: true, rules);

    private static Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> ReplaceAsync(string id, RuleBody body,
        RuleAdministration rules)
    {
        if (body.Id is { } named && named != id)
        {
            return Task.FromResult<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>>(
                new BadRequestProblem("Invalid rule", $"id: the body names '{named}', the path '{id}'"));
        }

        return WriteAsync(id, body, create: false, rules);
    }

    private static async Task<Results<Created<RuleView>, Ok<RuleView>, BadRequestProblem, ConflictProblem>> WriteAsync(string? id, RuleBody body,
        bool create, RuleAdministration rules) => await rules.PutAsync(id, body, create) switch
        {
            RulePut.Invalid invalid => new BadRequestProblem("Invalid rule", invalid.Problem),
            RulePut.Exists exists => new ConflictProblem("Rule exists", $"A rule with id '{exists.Id}' exists; PUT /api/rules/{exists.Id} replaces it."),
            RulePut.Full => new ConflictProblem("Too many rules", TooMany),
            RulePut.Written { Created: true } written => TypedResults.Created($"/api/rules/{written.Rule.Id}", written.Rule),
            RulePut.Written written => TypedResults.Ok(written.Rule),
            _ => throw new InvalidOperationException("A rule put has no other outcome."),
        };

    /// <summary>Why a new rule was refused when the registry is full.</summary>
    public static readonly string TooMany = $"The fleet has {IRuleRegistryGrain.MaxRules} rules, the most it may have; delete one first.";

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(string id, RuleAdministration rules) =>
        await rules.DeleteAsync(id) ? TypedResults.NoContent() : NoSuchRule(id);

    private static async Task<Ok<RuleList>> ListAsync(RuleAdministration rules) => TypedResults.Ok(await rules.ListAsync());

    private static async Task<Results<Ok<RuleView>, NotFoundProblem>> GetAsync(string id, RuleAdministration rules) =>
        await rules.GetAsync(id) is { } rule ? TypedResults.Ok(rule) : NoSuchRule(id);

    /// <summary>Why a rule could not be found.</summary>
    public static string NoRule(string id) => $"There is no rule '{id}'.";

    private static NotFoundProblem NoSuchRule(string id) => new("No such rule", NoRule(id));
}
