// Micro-benchmarks of the per-event pure code (bash tools/bench/micro.sh; results in docs/PERFORMANCE.md).
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Options;
using FleetTwins.Grains.Vehicles;
using FleetTwins.Ingestion.Parsing;
using FleetTwins.Ingestion.Providers.Invers;
using FleetTwins.Ingestion.Providers.Telematica;
using FleetTwins.Ingestion.Providers.Tracker;
using FleetTwins.Ingestion.Providers.Volteras;
using FleetTwins.Signatures;

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Parsers).Assembly).Run(args).ToList();
// A benchmark that throws is reported by BenchmarkDotNet but not in the exit code: say so (the test command runs these).
return summaries.Count == 0 || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

/// <summary>One published example per provider, parsed from bytes to canonical events.</summary>
[MemoryDiagnoser]
public class Parsers
{
    private static readonly DateTimeOffset Now = new(2024, 6, 28, 19, 0, 0, TimeSpan.Zero);
    private static readonly FutureLimit Limit = new(Now, FutureLimit.DefaultSkew);
    private readonly byte[] volteras = Fixture("volteras/device.telemetry.STATE_OF_CHARGE.1.json");
    private readonly byte[] telematica = Fixture("telematica/vehicle.charging-status.json");
    private readonly byte[] tracker = Fixture("tracker/overspeed.json");
    private readonly byte[] invers = Fixture("invers/VehicleStateRecorded.derived.json");

    internal static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Benchmark]
    public object Volteras_soc() => VolterasParser.Parse(volteras, "device.telemetry", Now, Limit);

    [Benchmark]
    public object Telematica_charging_status() => TelematicaParser.Parse(telematica, Now, Limit);

    [Benchmark]
    public object Tracker_overspeed() => TrackerParser.Parse(tracker, TimeSpan.FromMinutes(5), Limit);

    [Benchmark]
    public object Invers_vehicle_state_recorded() => InversParser.Parse(invers, Limit);
}

/// <summary>Standard Webhooks verification of one signed delivery, with one and with three configured secrets.</summary>
[MemoryDiagnoser]
public class Signatures
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly byte[] body = Parsers.Fixture("volteras/device.telemetry.STATE_OF_CHARGE.1.json");
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;
    private SvixVerifier one = null!;
    private SvixVerifier three = null!;
    private SvixHeaders headers;

    [GlobalSetup]
    public void Setup()
    {
        one = new SvixVerifier([Secret]);
        three = new SvixVerifier(["whsec_dGVsZW1hdGljYS10ZXN0LXNlY3JldC0yMDI2IQ==", "whsec_dm9sdGVyYXMtdGVzdC1zZWNyZXQtMjAyNi0wMDE=", Secret]);
        headers = new SvixHeaders("msg_p5jXN8AQM9LWM0D4loKWxJek", now.ToUnixTimeSeconds().ToString(), SvixVerifier.Sign(Secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", now, body));
    }

    [Benchmark]
    public bool Verify_one_secret() => one.Verify(headers, body, now).IsValid;

    [Benchmark]
    public bool Verify_three_secrets() => three.Verify(headers, body, now).IsValid;
}

/// <summary>The twin's pure apply of a typical telemetry delivery (four readings), and the notification rules.</summary>
[MemoryDiagnoser]
public class Apply
{
    private readonly VehicleEvent[] events;
    private readonly VehicleTwinState state = new();
    private DateTimeOffset at = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Apply()
    {
        events =
        [
            new StateOfChargeReported(55),
            new RangeReported(230),
            new OdometerReported(12_345),
            new LocationReported(52.52, 13.405, null),
        ];
    }

    [Benchmark]
    public long Apply_four_readings_and_derive_notifications()
    {
        at = at.AddSeconds(1);
        var before = NotificationRules.Capture(state);
        foreach (var e in events)
        {
            state.Apply(e with { At = at }, Sources.Volteras);
        }

        var raised = NotificationRules.Derive("car-1", before, state, new NotificationOptions(), at);
        state.Record(raised);
        state.Touch(at);
        return state.Version;
    }

    [Benchmark]
    public object Summary_for_search() => state.ToSummary("car-1");
}
