using System.Net;
using System.Net.Sockets;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Security;

/// <summary>
/// Settings that cannot work stop the host at start-up with one readable line each and exit code 1, never a stack
/// trace, instead of starting cleanly and failing requests later.
/// </summary>
public sealed class StartupSettingsTests
{
    public static TheoryData<string, string, string> WrongSettings => new()
    {
        { "Commands__CheckPeriod", "00:00:05", "Commands:CheckPeriod 00:00:05 is below Reminders:MinimumReminderPeriod 00:01:00" },
        { "Api__Keys__2", "short-key", "Api:Keys:2: an API key must be at least 16 characters" },
        { "Api__Keys__0", "a-long-enough-api-key-0123:reed", "Api:Keys:0: unknown API scope 'reed'" },
        { "Ingestion__Volteras__Secrets__0", "not-a-whsec-secret!", "Ingestion:Volteras:Secrets:0: a webhook secret must be whsec_ followed by base64" },
        { "Ingestion__MaxFutureSkew", "-00:01:00", "Ingestion:MaxFutureSkew -00:01:00 must not be negative" },
        { "Ingestion__BodyTimeout", "00:00:00", "Ingestion:BodyTimeout 00:00:00 must be positive" },
        { "Ingestion__MaxInFlightBytesPerSource", "65536", "Ingestion:MaxInFlightBytesPerSource 65536 is below 1048576" },
        { "RateLimits__Api__PermitsPerSecond", "-1", "RateLimits:Api:PermitsPerSecond -1 must not be negative" },
        { "RateLimits__Api__Burst", "many", "RateLimits:Api:Burst" },
        { "Search__MaxCostPerRequest", "0", "Search:MaxCostPerRequest 0 must be positive" },
        { "Network__TrustedProxies__0", "proxy.local", "Network:TrustedProxies:0: 'proxy.local' is neither an IP address nor a CIDR range" },
        { "Commands__IdempotencyWindow", "00:00:00", "Commands:IdempotencyWindow 00:00:00 must be positive" },
        // Read when the host is composed (the notification sink and the command exchange use it), AMQP ingestion or not.
        { "ConnectionStrings__RabbitMQ", "http://broker.local:5672", "ConnectionStrings:RabbitMQ must be an amqp:// or amqps:// URI" },
        { "Notifications__Webhooks__0__Url", "ftp://receiver.local/hook", "Notifications:Webhooks:0:Url 'ftp://receiver.local/hook' is not an http(s) URL" },
        { "Api__Keys__1", "a-long-enough-api-key-0123:", "Api:Keys:1: an API key needs at least one scope" },
        { "Ingestion__Telematica__Secrets__0", "whsec_QQ==", "Ingestion:Telematica:Secrets:0: a webhook secret must decode to at least 24 bytes, not 1" },
        { "Ingestion__Tracker__Tokens__0", "abc", "Ingestion:Tracker:Tokens:0: a bearer token must be at least 16 characters" },
        { "Commands__Dispatch__Webhooks__0__Secret", "whsec_c2hvcnQ=", "Commands:Dispatch:Webhooks:0:Secret: a webhook secret must decode to at least 24 bytes, not 5" },
    };

    [Theory]
    [MemberData(nameof(WrongSettings))]
    public async Task A_wrong_setting_exits_1_with_one_line_naming_it_and_no_stack_trace(string key, string value, string line)
    {
        var settings = WebhookSender.Settings();
        settings["Api__Keys__0"] = ApiKeys.All;
        settings["Api__Keys__1"] = ApiKeys.ReadOnly;
        settings["Api__Keys__2"] = ApiKeys.CommandOnly;
        settings[key] = value;

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains(output.Split('\n'), l => l.StartsWith("Invalid setting: ", StringComparison.Ordinal) && l.Contains(line, StringComparison.Ordinal));
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Two_wrong_api_keys_are_both_reported_not_only_the_first()
    {
        var settings = WebhookSender.Settings();
        settings["Api__Keys__0"] = "short";
        settings["Api__Keys__1"] = "also-short";

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("Api:Keys:0: an API key must be at least 16 characters", output);
        Assert.Contains("Api:Keys:1: an API key must be at least 16 characters", output);
    }

    [Fact]
    public async Task Six_wrong_settings_read_at_different_times_are_all_named_at_once()
    {
        var settings = WebhookSender.Settings();
        settings["Api__Keys__0"] = "a-long-enough-api-key-0123: ,";
        settings["Api__Keys__1"] = "short";
        settings["Ingestion__Volteras__Secrets__0"] = "whsec_QQ==";
        settings["Ingestion__Tracker__Tokens__0"] = "abc";
        settings["RateLimits__Api__PermitsPerSecond"] = "-1";
        settings["Search__MaxCostPerRequest"] = "0";

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var lines = output.Split('\n').Where(l => l.StartsWith("Invalid setting: ", StringComparison.Ordinal)).ToList();
        string[] named =
        [
            "Api:Keys:0: an API key needs at least one scope", "Api:Keys:1: an API key must be at least 16 characters",
            "Ingestion:Volteras:Secrets:0: a webhook secret must decode to at least 24 bytes", "Ingestion:Tracker:Tokens:0: a bearer token must be at least 16 characters",
            "RateLimits:Api:PermitsPerSecond -1 must not be negative", "Search:MaxCostPerRequest 0 must be positive",
        ];
        Assert.All(named, setting => Assert.Single(lines, l => l.Contains(setting, StringComparison.Ordinal)));
        Assert.Equal(named.Length, lines.Count);
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task An_address_another_process_listens_on_exits_1_with_one_line_naming_it()
    {
        // A second host started beside the first one: its HTTP address is taken.
        var port = FreePorts.Next();
        using var first = new TcpListener(IPAddress.Loopback, port);
        first.Start();
        var settings = WebhookSender.Settings();
        settings["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{port}";

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains(output.Split('\n'), l => l.StartsWith("Invalid setting: Kestrel:Endpoints: ", StringComparison.Ordinal)
            && l.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) && l.Contains("address already in use", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output);
    }
}
