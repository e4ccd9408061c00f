using System.Net.Http.Headers;
using System.Text;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>API keys configured on a test host, one per scope set, and Volteras deliveries about a fresh vehicle.</summary>
public static class ApiKeys
{
    public const string All = "all-scopes-key-0123456789";
    public const string ReadOnly = "read-only-key-0123456789";
    public const string CommandOnly = "command-only-key-0123456789";

    public static Dictionary<string, string> Settings() => new()
    {
        ["Api__Keys__0"] = All,
        ["Api__Keys__1"] = $"{ReadOnly}:read",
        ["Api__Keys__2"] = $"{CommandOnly}:command",
    };

    /// <summary>Adds the keys above to a host's <paramref name="settings"/>, and answers them.</summary>
    public static Dictionary<string, string> AddTo(Dictionary<string, string> settings)
    {
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static HttpClient Client(HostProcess host, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}") };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A VIN nobody used yet (17 digits and capital letters).</summary>
    public static string NewVin() => "WBY" + Guid.NewGuid().ToString("N")[..14].ToUpperInvariant();

    public static byte[] StateOfCharge(string vin, double soc, DateTimeOffset at) => Encoding.UTF8.GetBytes(
        $$$"""{"metricType":"STATE_OF_CHARGE","vehicle":{"id":"vt-{{{vin}}}","vin":"{{{vin}}}"},"timestamp":"{{{at:O}}}","stateOfCharge":{"unit":"percent","value":{{{soc.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""");

    public static byte[] ChargingState(string vin, string state, DateTimeOffset at) => Encoding.UTF8.GetBytes(
        $$"""{"metricType":"CHARGING_STATE","vehicle":{"id":"vt-{{vin}}","vin":"{{vin}}"},"timestamp":"{{at:O}}","state":"{{state}}"}""");
}
