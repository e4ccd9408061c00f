using System.Security.Claims;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Host.Api.Conventions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.Rules;

/// <summary>
/// <c>POST /api/alerts/{id}/acknowledge</c> and <c>/clear</c> (command scope): an operator's hand on an alert of our
/// rules. The twin that holds the alert decides and journals it; the inbox follows through its outbox.
/// </summary>
public static class AlertActionEndpoints
{
    public const int MaxBodyBytes = 4 * 1024;

    /// <summary>The optional body: why.</summary>
    public sealed record AlertAction(string? Reason);

    public static IEndpointRouteBuilder MapAlertActionEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapApiGroup("/api/alerts", "Alerts");
        alerts.MapPost("/{id}/acknowledge", (string id, AlertAction? body, ClaimsPrincipal user, AlertActions actions) =>
                ActAsync(id, clear: false, body, user, actions))
            .WithName("AcknowledgeAlert").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Acknowledges an alert of a rule: active becomes acknowledged, cleared becomes closed; the alert-acknowledged notification follows.");
        alerts.MapPost("/{id}/clear", (string id, AlertAction? body, ClaimsPrincipal user, AlertActions actions) =>
                ActAsync(id, clear: true, body, user, actions))
            .WithName("ClearAlert").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Clears an alert of a rule (acknowledged becomes closed); it is raised again only once its condition has been false, then held for its `for` again.");
        return routes;
    }

    private static async Task<Results<Ok<Alert>, BadRequestProblem, NotFoundProblem, ConflictProblem>> ActAsync(string id, bool clear, AlertAction? body,
        ClaimsPrincipal user, AlertActions actions) =>
        await actions.ActAsync(id, clear, user.Identity?.Name ?? "anonymous", body?.Reason) switch
        {
            AlertActed.Invalid invalid => new BadRequestProblem(invalid.Field == "id" ? "Invalid alert id" : "Invalid reason", invalid.Problem),
            AlertActed.NotFound => new NotFoundProblem("No such alert", AlertActions.NoAlert(id)),
            AlertActed.ProviderAlert provider => new ConflictProblem("Provider alert", AlertActions.ProviderAlertProblem(provider.Alert)),
            AlertActed.NoLongerHeld gone => new ConflictProblem("Alert no longer held", AlertActions.NoLongerHeldProblem(gone.Alert, clear)),
            AlertActed.Done done => TypedResults.Ok(done.Alert),
            _ => throw new InvalidOperationException("An alert action has no other outcome."),
        };
}
