using FleetTwins.Grains.Telemetry;
using FleetTwins.Host.Api;
using FleetTwins.Host.Security;
using FleetTwins.Streaming.RabbitMQ.Streams;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace FleetTwins.Host.Telemetry;

/// <summary>
/// Metrics, traces and the Orleans dashboard. Metrics (ours on the meter <c>FleetTwins</c>, Orleans' own, ASP.NET
/// Core's) are scraped at <c>/metrics</c> in the Prometheus format and, with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set,
/// pushed over OTLP with the traces (our spans, Orleans' grain calls, HTTP requests). The dashboard is at
/// <c>/dashboard</c> for keys with the admin scope.
/// </summary>
public static class Telemetry
{
    /// <summary>The authorization policy of <c>/metrics</c>: loopback clients, or any valid API key.</summary>
    public const string MetricsPolicy = "metrics";

    private static readonly string[] OrleansMeters = ["Microsoft.Orleans"];

    // ASP.NET Core's request and connection meters only: AddAspNetCoreInstrumentation would also turn on its memory
    // pool meter, which counts every buffer rented (measured: about +100 µs of CPU per webhook, docs/PERFORMANCE.md).
    private static readonly string[] AspNetCoreMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddFleetTwinsTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("fleettwins", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TwinMetrics.MeterName, RabbitMQStreamMetrics.MeterName)
                    .AddMeter(OrleansMeters)
                    .AddMeter(AspNetCoreMeters)
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Spans cost only when something listens: traced when they are exported.
            telemetry.WithTracing(tracing => tracing
                .AddSource(FleetTwinsActivities.SourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter());
        }

        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, policy => policy.RequireAssertion(context =>
            context.Resource is HttpContext http && ForwardedAddresses.IsLoopbackClient(http)
            || context.User.HasClaim(c => c.Type == ApiScopes.ClaimType)));
        return builder;
    }

    /// <summary>
    /// The Orleans dashboard's data collection, on the silo, unless <c>Dashboard:Enabled</c> is false. Its grain
    /// profiler times every grain call while someone has looked at the dashboard in the last minute.
    /// </summary>
    public static ISiloBuilder AddFleetTwinsDashboard(this ISiloBuilder silo, IConfiguration configuration) =>
        DashboardEnabled(configuration) ? silo.AddDashboard() : silo;

    private static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue("Dashboard:Enabled", true);

    public static WebApplication MapFleetTwinsTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsPolicy);
        // The dashboard's own endpoints (its page and the JSON it polls) are not part of our API document.
        if (DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(ApiScopes.Admin).ExcludeFromDescription();
            app.MapFleetTwinsDashboardSession(); // a browser's way in: its key in a cookie
        }

        return app;
    }
}
