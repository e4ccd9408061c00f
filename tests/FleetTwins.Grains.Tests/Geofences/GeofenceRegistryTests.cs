using System.Diagnostics;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;
using Microsoft.Extensions.DependencyInjection;
using static FleetTwins.Grains.Tests.Geofences.GeofenceFixtures;

namespace FleetTwins.Grains.Tests.Geofences;

/// <summary>The registry grain in the two-silo cluster, and each silo's catalog following it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GeofenceRegistryTests(ClusterFixture fixture)
{
    private IGeofenceRegistryGrain Registry => GeofenceRegistry.Get(fixture.Client);

    private IEnumerable<GeofenceCatalog> Catalogs => fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<GeofenceCatalog>());

    private static string NewId() => "gf-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_put_creates_then_replaces_keeping_the_creation_time_and_every_change_moves_the_version()
    {
        var id = NewId();
        var version = await Registry.GetVersionAsync();
        var now = fixture.Clock.GetUtcNow(); // the collection's tests run one at a time: nothing moves the clock meanwhile

        var created = await Registry.PutAsync(Square(id) with { Version = 99 }, createOnly: true);
        var taken = await Registry.PutAsync(Square(id) with { Name = "other" }, createOnly: true);
        var replaced = await Registry.PutAsync(Square(id) with { Name = "renamed", ExitBufferMeters = 40 }, createOnly: false);

        Assert.Equal((GeofencePutStatus.Created, 1L, now), (created.Status, created.Geofence.Version, created.Geofence.CreatedAt));
        Assert.Equal((GeofencePutStatus.Exists, $"Square {id}"), (taken.Status, taken.Geofence.Name));
        Assert.Equal((GeofencePutStatus.Replaced, 2L, "renamed", 40d), (replaced.Status, replaced.Geofence.Version, replaced.Geofence.Name, replaced.Geofence.ExitBufferMeters));
        Assert.Equal(created.Geofence.CreatedAt, replaced.Geofence.CreatedAt);
        Assert.Equal(replaced.Geofence, await Registry.GetAsync(id));
        Assert.True(await Registry.GetVersionAsync() >= version + 2);
    }

    [Fact]
    public async Task A_delete_removes_the_geofence_once()
    {
        var id = NewId();
        await Registry.PutAsync(Circle(id, Latitude, Longitude, 200), createOnly: true);
        var version = await Registry.GetVersionAsync();

        Assert.True(await Registry.DeleteAsync(id));
        Assert.False(await Registry.DeleteAsync(id));
        Assert.Null(await Registry.GetAsync(id));
        Assert.True(await Registry.GetVersionAsync() > version);
        Assert.DoesNotContain((await Registry.GetAllAsync()).Geofences, g => g.Id == id);
    }

    [Fact]
    public async Task The_list_pages_in_id_order_after_a_given_id()
    {
        var prefix = NewId();
        foreach (var n in new[] { 3, 1, 2 })
        {
            await Registry.PutAsync(Square($"{prefix}-{n}"), createOnly: false);
        }

        var first = await Registry.ListAsync($"{prefix}-0", 2);
        var next = await Registry.ListAsync(first[^1].Id, 1);

        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], first.Select(g => g.Id));
        Assert.Equal($"{prefix}-3", Assert.Single(next).Id);
    }

    [Fact]
    public async Task A_change_reaches_the_silo_that_refreshes_at_once_and_every_other_silo_within_about_a_second()
    {
        var id = NewId();
        var first = Catalogs.First();
        await Registry.PutAsync(Square(id, Latitude + 10, Longitude), createOnly: true);

        var refreshed = await first.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Equal(id, Assert.Single(refreshed.Containing(Latitude + 10, Longitude)).Id);

        var watch = Stopwatch.StartNew();
        await WaitUntilAsync(() => Catalogs.All(c => c.Current.Find(id) is not null));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"every silo's catalog had it after {watch.Elapsed}");

        await Registry.DeleteAsync(id);
        await WaitUntilAsync(() => Catalogs.All(c => c.Current.Find(id) is null));
        Assert.Empty((await first.GetAsync(cancellationToken: TestContext.Current.CancellationToken)).Containing(Latitude + 10, Longitude));
    }

    /// <summary>Polls <paramref name="done"/> until it holds, for at most 5 s.</summary>
    private static async Task WaitUntilAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the catalogs did not follow the registry within 5 s");
            await Task.Delay(10);
        }
    }
}
