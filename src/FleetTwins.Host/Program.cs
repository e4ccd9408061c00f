using FleetTwins.Host.Api;
using FleetTwins.Host.Hosting;
using FleetTwins.Host.Schema;
using FleetTwins.Host.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.UseFleetTwinsEndpoints();

if (args.Contains("migrate"))
{
    return await builder.RunMigrateCommandAsync();
}

builder.AddFleetTwinsSchemaMigration();
builder.AddFleetTwinsSilo();
builder.AddFleetTwinsHealth();
builder.AddFleetTwinsWebhooks();
builder.AddFleetTwinsApi();

var app = builder.Build();
app.MapFleetTwinsHealth();
app.MapFleetTwinsWebhooks();
app.MapFleetTwinsApi();
await app.RunAsync();
return 0;
