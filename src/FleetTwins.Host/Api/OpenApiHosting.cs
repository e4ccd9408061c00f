using FleetTwins.Host.Profiles;
using Microsoft.OpenApi;

namespace FleetTwins.Host.Api;

/// <summary>
/// The OpenAPI document of the HTTP API at <c>/openapi/v1.json</c> (open, it holds no data), with the bearer API-key
/// scheme; and the endpoints of the profile (the embedded one's interactive Scalar reference at <c>/scalar</c>).
/// </summary>
public static class OpenApiHosting
{
    public static WebApplicationBuilder AddFleetTwinsOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "FleetTwins",
                Version = "v1",
                Description = "Vehicle, charger and alert twins: provider webhooks in, twins, commands, notifications, fleet search and live watches out. "
                    + "The query API takes `Authorization: Bearer <api key>` with the scope each operation names (read, command, admin).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key from Api__Keys__N; scopes read, command, admin.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] }];
            return Task.CompletedTask;
        }).AddOperationTransformer(OpenApiContract.TransformOperationAsync).AddSchemaTransformer(OpenApiContract.TransformSchemaAsync));
        return builder;
    }

    public static WebApplication MapFleetTwinsOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.Services.GetRequiredService<HostingProfile>().MapEndpoints(app);
        return app;
    }
}
