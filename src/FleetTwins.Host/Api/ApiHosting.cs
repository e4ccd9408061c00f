using System.Text.Json.Serialization;
using FleetTwins.Host.Api.Alerts;
using FleetTwins.Host.Api.Geofences;
using FleetTwins.Host.Api.History;
using FleetTwins.Host.Api.Rules;
using FleetTwins.Host.Api.Watching;
using FleetTwins.Host.Webhooks;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>Registers and maps the query API.</summary>
public static class ApiHosting
{
    public static WebApplicationBuilder AddFleetTwinsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SearchBudgetOptions>().Bind(builder.Configuration.GetSection(SearchBudgetOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SearchBudgetOptions>, SearchBudgetOptionsValidator>();
        builder.Services.AddSingleton<SearchBudget>();
        builder.Services.AddSingleton<CommandProviders>();
        builder.Services.AddSingleton<RuleAlertCounts>();
        builder.Services.AddSingleton<RuleAdministration>();
        builder.Services.AddSingleton<AlertActions>();
        builder.Services.AddSingleton<GeofenceAdministration>();
        builder.Services.AddOptions<WatchOptions>().Bind(builder.Configuration.GetSection(WatchOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>();
        builder.Services.AddSingleton<OpenWatches>();
        builder.Services.AddProblemDetails();
        // After ASP.NET Core's own writer: answers what it declines (a request that accepts no JSON) all the same.
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Let binding failures reach ApiExceptionHandler, which says what was wrong with the body.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // A key twice in one object, at any depth: refused (400) rather than the last one silently winning.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new StrictJson.StringConverter());
        });
        return builder;
    }

    public static WebApplication MapFleetTwinsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = StatusCodePageAsync });
        app.MapVehicleEndpoints();
        app.MapHistoryEndpoints();
        app.MapTwinEndpoints();
        app.MapAlertEndpoints();
        app.MapCommandEndpoints();
        app.MapWatchEndpoints();
        app.MapFleetEndpoints();
        app.MapParkedEndpoints();
        app.MapRuleEndpoints();
        app.MapAlertActionEndpoints();
        app.MapGeofenceEndpoints();
        return app;
    }

    /// <summary>An error answered without a body (404, 405, ...): the webhook error body under /webhooks, else problem details.</summary>
    private static async Task StatusCodePageAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        if (context.Request.Path.StartsWithSegments("/webhooks"))
        {
            await PushHttp.WriteErrorAsync(context, context.Response.StatusCode, ReasonPhrases.GetReasonPhrase(context.Response.StatusCode));
            return;
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context });
    }
}
