using FleetTwins.Abstractions.Events;
using FleetTwins.Ingestion.Hosting;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Webhooks;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Webhooks;

/// <summary>
/// The push endpoints: Telematica and Volteras (Svix-signed) and GPS trackers (bearer token). Each answers 200
/// only after the twins have applied and persisted the delivery (or recognised it as a duplicate); every error
/// is <c>{"status":"error","message":...}</c> with 400, 401, 403, 408, 413, 429 or 503 (retry).
/// </summary>
public static class WebhookEndpoints
{
    public static WebApplicationBuilder AddFleetTwinsWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection(IngestionOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        builder.Services.AddFleetTwinsPushIngestion();
        return builder;
    }

    public static WebApplication MapFleetTwinsWebhooks(this WebApplication app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks").AllowAnonymous();
        var ingestion = app.Configuration.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        if (ingestion.Telematica.Enabled)
        {
            webhooks.MapPost("/telematica", (HttpRequest request, SignedWebhookIngestion signed, CancellationToken ct) =>
                    signed.AcceptAsync(Sources.Telematica, null, request.Delivery(), ct).Answer());
        }

        if (ingestion.Volteras.Enabled)
        {
            webhooks.MapPost("/volteras", (HttpRequest request, SignedWebhookIngestion signed, CancellationToken ct) =>
                    signed.AcceptAsync(Sources.Volteras, null, request.Delivery(), ct).Answer());
            webhooks.MapPost("/volteras/{eventType}", (string eventType, HttpRequest request, SignedWebhookIngestion signed, CancellationToken ct) =>
                    signed.AcceptAsync(Sources.Volteras, eventType, request.Delivery(), ct).Answer());
        }

        if (ingestion.Tracker.Enabled)
        {
            webhooks.MapPost("/tracker", (HttpRequest request, TrackerPushIngestion tracker, CancellationToken ct) =>
                    tracker.AcceptAsync(request.Delivery(), ct).Answer());
        }

        return app;
    }
}
