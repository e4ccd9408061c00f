using System.Text.Json.Serialization;

namespace FleetTwins.Host.Api;

/// <summary>Registers and maps the query API.</summary>
public static class ApiHosting
{
    public static WebApplicationBuilder AddFleetTwinsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Let binding failures reach ApiExceptionHandler, which says what was wrong with the body.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    public static WebApplication MapFleetTwinsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapVehicleEndpoints();
        app.MapTwinEndpoints();
        app.MapCommandEndpoints();
        app.MapWatchEndpoints();
        app.MapFleetEndpoints();
        app.MapParkedEndpoints();
        return app;
    }
}
