using FleetTwins.Host.Api;
using FleetTwins.Host.Hosting;
using FleetTwins.Host.Schema;

var builder = WebApplication.CreateBuilder(args);
builder.UseFleetTwinsEndpoints();

if (args.Contains("migrate"))
{
    return await builder.RunMigrateCommandAsync();
}

builder.AddFleetTwinsSchemaMigration();
builder.AddFleetTwinsSilo();
builder.AddFleetTwinsHealth();
builder.AddFleetTwinsApi();

var app = builder.Build();
app.MapFleetTwinsHealth();
app.MapFleetTwinsApi();
await app.RunAsync();
return 0;
