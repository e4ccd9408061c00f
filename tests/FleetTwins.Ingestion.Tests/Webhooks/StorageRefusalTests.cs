using System.Data.Common;
using System.Reflection;
using FleetTwins.Abstractions.Persistence;
using FleetTwins.Grains.Identity;
using FleetTwins.Ingestion.Hosting;
using FleetTwins.Ingestion.Options;
using FleetTwins.Ingestion.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace FleetTwins.Ingestion.Tests.Webhooks;

/// <summary>
/// Storage that refuses writes until an operator acts (a read-only or damaged data file) is answered as such, not as
/// "retry later": a provider retrying every few seconds would never get through, and nobody would be told.
/// </summary>
public sealed class StorageRefusalTests
{
    private const string Token = "tracker-token-of-this-test";

    [Fact]
    public async Task A_delivery_whose_twin_storage_refuses_writes_is_507_with_a_reason_not_503()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow))
            .AddSingleton(RefusingStorage.Factory)
            .AddSingleton<AliasLookup>()
            .AddSingleton<IPushRateLimit>(new NoRateLimit())
            .Configure<IngestionOptions>(options => options.Tracker.Tokens.Add(Token))
            .AddFleetTwinsPushIngestion()
            .BuildServiceProvider();
        var body = Fixture.Bytes("tracker/sos.derived.json");
        var delivery = new PushDelivery(new MemoryStream(body), body.Length,
            name => name == "Authorization" ? new StringValues($"Bearer {Token}") : StringValues.Empty);

        var outcome = await services.GetRequiredService<TrackerPushIngestion>().AcceptAsync(delivery, default);

        Assert.Equal(new PushOutcome.StorageRefused("Storage refuses writes until an operator acts; the delivery was not applied."), outcome);
        Assert.Equal(507, outcome.Status);
        Assert.Null(outcome.RetryAfterSeconds);
    }

    private sealed class NoRateLimit : IPushRateLimit
    {
        public int? RetryAfterSeconds(string provider) => null;
    }

    /// <summary>A grain factory whose every twin fails its write the way a read-only data file does.</summary>
    public class RefusingStorage : DispatchProxy
    {
        public static IGrainFactory Factory { get; } = Create<IGrainFactory, RefusingStorage>();

        protected override object Invoke(MethodInfo? targetMethod, object?[]? args) =>
            // As the SQLite store raises it: the refusal wraps the database error, which alone would be transient.
            throw new StorageRefusedException("/data/fleettwins.db is read-only: give the host's user write access", new ReadOnlyDatabase());
    }

    private sealed class ReadOnlyDatabase() : DbException("attempt to write a readonly database")
    {
    }
}
