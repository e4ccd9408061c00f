using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Search.Alerts;

namespace FleetTwins.Host.Api.Rules;

/// <summary>What an operator's acknowledge or clear came to; REST and gRPC each answer it in their own terms.</summary>
public abstract record AlertActed
{
    private AlertActed()
    {
    }

    /// <summary>The <see cref="Field"/> (<c>id</c> or <c>reason</c>) cannot be taken; <see cref="Problem"/> names it and says why.</summary>
    public sealed record Invalid(string Field, string Problem) : AlertActed;

    public sealed record NotFound(string Id) : AlertActed;

    /// <summary>A provider's alert: it is acknowledged and cleared at the provider, and follows from there.</summary>
    public sealed record ProviderAlert(Alert Alert) : AlertActed;

    /// <summary>The alert's vehicle no longer holds it (closed, or cleared and gone): nothing is left to act on.</summary>
    public sealed record NoLongerHeld(Alert Alert) : AlertActed;

    public sealed record Done(Alert Alert) : AlertActed;
}

/// <summary>
/// An operator's hand on an alert of our rules, behind both APIs (REST <c>/api/alerts/{id}/acknowledge</c> and <c>/clear</c>,
/// gRPC <c>AcknowledgeAlert</c> and <c>ClearAlert</c>): the twin that holds the alert decides and journals it.
/// </summary>
public sealed class AlertActions(IAlertIndex index, IGrainFactory grains)
{
    public const int MaxReasonLength = 500;

    /// <summary>Acknowledges (or, with <paramref name="clear"/>, clears) the alert <paramref name="id"/> on behalf of <paramref name="by"/>.</summary>
    public async Task<AlertActed> ActAsync(string id, bool clear, string by, string? reason)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            return new AlertActed.Invalid("id", $"id: an alert id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'");
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return new AlertActed.Invalid("reason", $"reason: at most {MaxReasonLength} characters");
        }

        // REST refuses control characters where its JSON is read; gRPC text arrives unchecked, so both meet the check here.
        if (reason is not null && StrictJson.HasControl(reason))
        {
            return new AlertActed.Invalid("reason", "reason: holds a control character");
        }

        if (await index.GetAsync(id, CancellationToken.None) is not { } alert)
        {
            return new AlertActed.NotFound(id);
        }

        if (alert.Origin != "rule" || alert.VehicleId is not { } vehicleId)
        {
            return new AlertActed.ProviderAlert(alert);
        }

        return await grains.GetGrain<IVehicleTwinGrain>(vehicleId).ActOnAlertAsync(id, clear, by, reason) is { } acted
            ? new AlertActed.Done(acted)
            : new AlertActed.NoLongerHeld(alert);
    }

    /// <summary>Why a provider's alert is not acted on here.</summary>
    public static string ProviderAlertProblem(Alert alert) =>
        $"Alert '{alert.Id}' is {alert.Origin}'s: it is acknowledged and cleared at {alert.Origin}, and follows from there.";

    /// <summary>Why an alert its vehicle no longer holds is not acted on.</summary>
    public static string NoLongerHeldProblem(Alert alert, bool clear) =>
        $"Alert '{alert.Id}' is {alert.Status} and its vehicle no longer holds it: there is nothing left to {(clear ? "clear" : "acknowledge")}.";

    /// <summary>Why an alert could not be found.</summary>
    public static string NoAlert(string id) => $"There is no alert '{id}'.";
}
