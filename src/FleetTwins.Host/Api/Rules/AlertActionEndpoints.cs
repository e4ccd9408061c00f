using System.Security.Claims;
using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Search.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api.Rules;

/// <summary>
/// <c>POST /api/alerts/{id}/acknowledge</c> and <c>/clear</c> (command scope): an operator's hand on an alert of our
/// rules. The twin that holds the alert decides and journals it; the inbox follows through its outbox.
/// </summary>
public static class AlertActionEndpoints
{
    public const int MaxBodyBytes = 4 * 1024;
    public const int MaxReasonLength = 500;

    /// <summary>The optional body: why.</summary>
    public sealed record AlertAction(string? Reason);

    public static IEndpointRouteBuilder MapAlertActionEndpoints(this IEndpointRouteBuilder routes)
    {
        var alerts = routes.MapApiGroup("/api/alerts", "Alerts");
        alerts.MapPost("/{id}/acknowledge", (string id, AlertAction? body, ClaimsPrincipal user, IAlertIndex index, IGrainFactory grains) =>
                ActAsync(id, clear: false, body, user, index, grains))
            .WithName("AcknowledgeAlert").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Acknowledges an alert of a rule: active becomes acknowledged, cleared becomes closed; the alert-acknowledged notification follows.");
        alerts.MapPost("/{id}/clear", (string id, AlertAction? body, ClaimsPrincipal user, IAlertIndex index, IGrainFactory grains) =>
                ActAsync(id, clear: true, body, user, index, grains))
            .WithName("ClearAlert").RequireAuthorization(ApiScopes.Command).WithBodyLimit(MaxBodyBytes)
            .WithSummary("Clears an alert of a rule (acknowledged becomes closed); it is raised again only once its condition has been false, then held for its `for` again.");
        return routes;
    }

    private static async Task<Results<Ok<Alert>, BadRequestProblem, NotFoundProblem, ConflictProblem>> ActAsync(string id, bool clear, AlertAction? body,
        ClaimsPrincipal user, IAlertIndex index, IGrainFactory grains)
    {
        if (body?.Reason is { Length: > MaxReasonLength })
        {
            return new BadRequestProblem("Invalid reason", $"reason: at most {MaxReasonLength} characters");
        }

        if (await index.GetAsync(id, CancellationToken.None) is not { } alert)
        {
            return new NotFoundProblem("No such alert", $"There is no alert '{id}'.");
        }

        if (alert.Origin != "rule" || alert.VehicleId is not { } vehicleId)
        {
            return new ConflictProblem("Provider alert", $"Alert '{id}' is {alert.Origin}'s: it is acknowledged and cleared at {alert.Origin}, and follows from there.");
        }

        var by = user.Identity?.Name ?? "anonymous";
        return await grains.GetGrain<IVehicleTwinGrain>(vehicleId).ActOnAlertAsync(id, clear, by, body?.Reason) is { } acted
            ? TypedResults.Ok(acted)
            : new ConflictProblem("Alert no longer held", $"Alert '{id}' is {alert.Status} and its vehicle no longer holds it: there is nothing left to {(clear ? "clear" : "acknowledge")}.");
    }
}
