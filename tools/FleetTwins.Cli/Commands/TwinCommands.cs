using System.CommandLine;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli.Commands;

/// <summary><c>get</c>, <c>resolve</c>, <c>link</c> and <c>unlink</c>: one twin, printed with every reading.</summary>
public static class TwinCommands
{
    public static Command Get()
    {
        var id = Verbs.TwinId();
        return new Command("get", "A vehicle twin: id, VIN, version, online, aliases, then every reading with its value, source and age") { id }
            .WithApi(async (parsed, session) =>
            {
                PrintTwin(session, await session.Api.GetAsync($"api/vehicles/{Uri.EscapeDataString(parsed.GetValue(id)!)}"));
                return 0;
            });
    }

    public static Command Resolve()
    {
        var vin = new Option<string>("--vin") { Description = "A VIN", HelpName = "vin" };
        var imei = new Option<string>("--imei") { Description = "A tracker's IMEI", HelpName = "imei" };
        var provider = new Option<string>("--provider") { Description = "A provider (volteras, telematica, invers, ...), with --id", HelpName = "provider" };
        var providerId = new Option<string>("--id") { Description = "The provider's id of the vehicle, with --provider", HelpName = "id" };
        var command = new Command("resolve", "The twin a provider's identifier belongs to: --vin, --imei, or --provider with --id") { vin, imei, provider, providerId };
        command.Validators.Add(result =>
        {
            if (result.GetValue(vin) is null && result.GetValue(imei) is null && (result.GetValue(provider) is null || result.GetValue(providerId) is null))
            {
                result.AddError("resolve needs --vin, --imei, or --provider with --id");
            }
        });
        return command.WithApi(async (parsed, session) =>
        {
            var query = parsed.GetValue(vin) is { } v ? $"vin={Uri.EscapeDataString(v)}"
                : parsed.GetValue(imei) is { } i ? $"imei={Uri.EscapeDataString(i)}"
                : $"provider={Uri.EscapeDataString(parsed.GetValue(provider)!)}&id={Uri.EscapeDataString(parsed.GetValue(providerId)!)}";
            PrintTwin(session, await session.Api.GetAsync($"api/vehicles/resolve?{query}"));
            return 0;
        });
    }

    public static Command Link()
    {
        var id = Verbs.TwinId();
        var alias = Alias();
        return new Command("link", "Binds an alias to a twin, merging the twin that held it (exit 1 with the reason on a VIN conflict; admin scope)") { id, alias }
            .WithApi(async (parsed, session) =>
            {
                var path = $"api/vehicles/{Uri.EscapeDataString(parsed.GetValue(id)!)}/aliases";
                PrintTwin(session, await session.Api.PostAsync(path, new { alias = parsed.GetValue(alias) }));
                return 0;
            });
    }

    public static Command Unlink()
    {
        var id = Verbs.TwinId();
        var alias = Alias();
        return new Command("unlink", "Unbinds an alias from a twin (admin scope)") { id, alias }
            .WithApi(async (parsed, session) =>
            {
                var path = $"api/vehicles/{Uri.EscapeDataString(parsed.GetValue(id)!)}/aliases/{Uri.EscapeDataString(parsed.GetValue(alias)!)}";
                PrintTwin(session, await session.Api.DeleteAsync(path));
                return 0;
            });
    }

    private static Argument<string> Alias() =>
        new("alias") { Description = "imei:..., invers:..., volteras:..., telematica:... or vin:..." };

    private static void PrintTwin(Session session, JsonNode twin)
    {
        if (session.Json)
        {
            Output.Json(twin);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        Output.Fields([("id", Output.Text(twin, "id")), ("vin", Output.Text(twin, "vin")), ("version", Output.Text(twin, "version")),
            ("online", Output.Text(twin, "online")), ("last seen", Output.Age(twin["lastSeenAt"]?.GetValue<string>(), now)),
            ("aliases", string.Join(", ", twin["aliases"]?.AsArray().Select(a => a?.GetValue<string>()) ?? []))]);
        Console.WriteLine();
        string[] readings = ["stateOfCharge", "range", "odometer", "location", "motion", "charging", "plug", "chargingTarget", "connectivity", "rental", "currentTrip"];
        Output.Table(["READING", "VALUE", "SOURCE", "AGE"], readings.Where(r => twin[r] is JsonObject).Select(r => (IReadOnlyList<string>)
        [
            r, Value(twin[r]!.AsObject()), Output.Text(twin[r], "source"), Output.Age(twin[r]!["at"]?.GetValue<string>(), now),
        ]));
        if (twin["activeAlerts"] is JsonArray { Count: > 0 } alerts)
        {
            Console.WriteLine($"\nactive alerts: {string.Join(", ", alerts.Select(a => a?.ToJsonString()))}");
        }
    }

    /// <summary>A reading's value as one short text: its fields other than time and source.</summary>
    private static string Value(JsonObject reading) => string.Join(" ", reading
        .Where(p => p.Key is not ("at" or "source") && p.Value is not null)
        .Select(p => p.Key is "value" or "state" ? Output.Text(reading, p.Key) : $"{p.Key}={Output.Text(reading, p.Key)}"));
}
