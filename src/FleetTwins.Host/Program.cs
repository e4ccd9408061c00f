using FleetTwins.Host.Api;
using FleetTwins.Host.Benchmarks;
using FleetTwins.Host.Data;
using FleetTwins.Host.Fleet;
using FleetTwins.Host.FleetConsole;
using FleetTwins.Host.Grpc;
using FleetTwins.Host.Health;
using FleetTwins.Host.Migrate;
using FleetTwins.Host.Security;
using FleetTwins.Host.Settings;
using FleetTwins.Host.Silo;
using FleetTwins.Host.Telemetry;
using FleetTwins.Host.Webhooks;

return await InvalidSettings.ExitOnInvalidSettingsAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseFleetTwinsEndpoints();

    if (args is ["data", .. var data])
    {
        return await builder.RunDataCommandAsync(data);
    }

    if (args.Contains("migrate"))
    {
        return await builder.RunMigrateCommandAsync();
    }

    builder.AddFleetTwinsProfile();
    builder.AddFleetTwinsTelemetry();
    builder.AddFleetTwinsSilo();
    builder.AddFleetTwinsFleet();
    builder.AddFleetTwinsHealth();
    builder.AddFleetTwinsWebhooks();
    builder.AddFleetTwinsApiAuth();
    builder.AddFleetTwinsRateLimits();
    builder.AddFleetTwinsForwardedAddresses();
    builder.AddFleetTwinsApi();
    builder.AddFleetTwinsOpenApi();
    builder.AddFleetTwinsGrpc();

    var app = builder.Build();
    app.ValidateFleetTwinsSettings();
    app.OpenFleetTwinsStore();
    app.UseFleetTwinsForwardedAddresses();
    app.UseFleetTwinsLoopbackMode();
    app.UseFleetTwinsSecurityHeaders();
    app.UseFleetTwinsConsole();
    app.UseAuthentication();
    app.UseRateLimiter();
    app.UseAuthorization();
    app.MapFleetTwinsHealth();
    app.MapFleetTwinsWebhooks();
    app.MapFleetTwinsApi();
    app.MapFleetTwinsOpenApi();
    app.MapFleetTwinsGrpc();
    app.MapFleetTwinsTelemetry();
    app.MapFleetTwinsBenchmarkEndpoints();
    await app.RunAsync();
    return 0;
});
