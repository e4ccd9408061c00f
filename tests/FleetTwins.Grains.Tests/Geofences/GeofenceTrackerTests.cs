using System.Text.Json;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static FleetTwins.Grains.Tests.Geofences.GeofenceFixtures;

namespace FleetTwins.Grains.Tests.Geofences;

/// <summary>The pure tracker: debounced entering and leaving, the exit buffer, deleted geofences and replay.</summary>
public sealed class GeofenceTrackerTests
{
    /// <summary>A twin's side of the tracker: decides, journals and applies, as the twin will.</summary>
    private sealed class Twin(GeofenceIndex catalog)
    {
        public GeofenceIndex Catalog { get; set; } = catalog;

        public GeofenceMembership Membership { get; private set; } = GeofenceMembership.Empty;

        public List<GeofenceDecision> Journal { get; } = [];

        public List<GeofenceTransition> Transitions { get; } = [];

        public IReadOnlyList<GeofenceTransition> Move(GeofencePosition position, DateTimeOffset? now = null) => Decide(position, now ?? position.At);

        public IReadOnlyList<GeofenceTransition> Tick(DateTimeOffset now) => Decide(null, now);

        private IReadOnlyList<GeofenceTransition> Decide(GeofencePosition? position, DateTimeOffset now)
        {
            var decision = GeofenceTracker.Decide(Membership, position, now, Catalog);
            Journal.Add(decision);
            Membership = GeofenceTracker.Apply(Membership, decision);
            Transitions.AddRange(decision.Transitions);
            return decision.Transitions;
        }
    }

    private static string Text(GeofenceMembership membership) => JsonSerializer.Serialize(new
    {
        entries = membership.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new { e.Key, e.Value }),
        membership.Last,
    });

    [Fact]
    public void Points_alternating_across_the_border_within_the_min_dwell_raise_nothing()
    {
        var twin = new Twin(Index(1, Square("depot")));

        // In and out (well beyond the buffer) every 20 s for ten minutes: never inside for a minute.
        for (var s = 0; s < 600; s += 40)
        {
            twin.Move(At(0, 0, s));
            twin.Move(At(600, 0, s + 20));
        }

        Assert.Empty(twin.Transitions);
        Assert.Empty(twin.Membership.Inside);
        Assert.Null(GeofenceTracker.NextDue(twin.Membership));
    }

    [Fact]
    public void A_twin_inside_jittering_across_the_border_stays_inside()
    {
        var twin = new Twin(Index(1, Square("depot")));
        twin.Move(At(0, 0, 0));
        twin.Move(At(0, 0, 60));
        Assert.Equal(["depot"], twin.Membership.Inside);
        twin.Transitions.Clear();

        for (var s = 120; s < 900; s += 40)
        {
            twin.Move(At(600, 0, s));
            twin.Move(At(400, 0, s + 20));
        }

        Assert.Empty(twin.Transitions);
        Assert.Equal(["depot"], twin.Membership.Inside);
    }

    [Fact]
    public void Entering_is_confirmed_by_a_later_point_still_inside_after_the_min_dwell_at_the_first_point()
    {
        var twin = new Twin(Index(1, Square("depot")));

        Assert.Empty(twin.Move(At(-800, 0, 0)));
        Assert.Empty(twin.Move(At(-100, 0, 10)));
        Assert.Empty(twin.Move(At(0, 0, 40)));
        Assert.Empty(twin.Membership.Inside);
        var entered = Assert.Single(twin.Move(At(100, 0, 70)));

        Assert.Equal(("depot", "Square depot", GeofenceTransitionKind.Entered, T0.AddSeconds(10), GeofenceTracker.Dwelled),
            (entered.GeofenceId, entered.Name, entered.Kind, entered.At, entered.Reason));
        Assert.Equal(At(-100, 0, 10).Latitude, entered.Latitude, 9);
        Assert.Equal(["depot"], twin.Membership.Inside);
    }

    [Fact]
    public void Entering_is_confirmed_by_the_timer_while_the_vehicle_is_silent()
    {
        var twin = new Twin(Index(1, Square("depot")));
        twin.Move(At(0, 0, 0));

        Assert.Equal(T0.AddMinutes(1), GeofenceTracker.NextDue(twin.Membership));
        Assert.Empty(twin.Tick(T0.AddSeconds(59)));
        var entered = Assert.Single(twin.Tick(T0.AddSeconds(60)));

        Assert.Equal((GeofenceTransitionKind.Entered, T0), (entered.Kind, entered.At));
        Assert.Null(GeofenceTracker.NextDue(twin.Membership));
        Assert.Empty(twin.Tick(T0.AddMinutes(5)));
    }

    [Fact]
    public void Leaving_needs_the_position_beyond_the_exit_buffer_for_the_min_dwell()
    {
        var twin = new Twin(Index(1, Square("depot", exitBufferMeters: 50)));
        twin.Move(At(0, 0, 0));
        twin.Tick(T0.AddMinutes(1));

        // 20 m outside the border (500 m from the middle), for ten minutes: within the buffer, still inside.
        for (var s = 120; s <= 720; s += 60)
        {
            Assert.Empty(twin.Move(At(520, 0, s)));
        }

        Assert.Equal(["depot"], twin.Membership.Inside);
        Assert.Empty(twin.Move(At(600, 0, 780)));
        Assert.Equal(T0.AddSeconds(840), GeofenceTracker.NextDue(twin.Membership));
        var exited = Assert.Single(twin.Move(At(700, 0, 840)));

        Assert.Equal((GeofenceTransitionKind.Exited, T0.AddSeconds(780), GeofenceTracker.Dwelled), (exited.Kind, exited.At, exited.Reason));
        Assert.Empty(twin.Membership.Inside);
        Assert.Empty(twin.Membership.Entries);
    }

    [Fact]
    public void Leaving_is_confirmed_by_the_timer_once_the_min_dwell_passed_beyond_the_buffer()
    {
        var twin = new Twin(Index(1, Square("depot")));
        twin.Move(At(0, 0, 0));
        twin.Move(At(0, 0, 60));
        twin.Move(At(900, 0, 100));

        Assert.Empty(twin.Tick(T0.AddSeconds(159)));
        var exited = Assert.Single(twin.Tick(T0.AddSeconds(160)));
        Assert.Equal((GeofenceTransitionKind.Exited, T0.AddSeconds(100)), (exited.Kind, exited.At));
    }

    [Fact]
    public void A_deleted_geofence_is_left_on_the_next_decision_with_reason_deleted()
    {
        var twin = new Twin(Index(1, Square("depot"), Square("yard", sideMeters: 2000)));
        twin.Move(At(0, 0, 0));
        twin.Move(At(0, 0, 60));
        Assert.Equal(["depot", "yard"], twin.Membership.Inside);

        twin.Catalog = Index(2, Square("yard", sideMeters: 2000));
        var exited = Assert.Single(twin.Tick(T0.AddMinutes(5)));

        Assert.Equal(("depot", GeofenceTransitionKind.Exited, T0.AddMinutes(5), GeofenceTracker.Deleted),
            (exited.GeofenceId, exited.Kind, exited.At, exited.Reason));
        Assert.Equal(["yard"], twin.Membership.Inside);
    }

    [Fact]
    public void A_position_older_than_the_last_decided_one_decides_nothing()
    {
        var twin = new Twin(Index(1, Square("depot")));
        twin.Move(At(900, 0, 100));

        var decision = GeofenceTracker.Decide(twin.Membership, At(0, 0, 50), T0.AddSeconds(200), twin.Catalog);

        Assert.True(decision.IsNone);
    }

    [Fact]
    public void A_catalog_not_loaded_yet_decides_nothing_rather_than_leaving_every_geofence()
    {
        var twin = new Twin(Index(1, Square("depot")));
        twin.Move(At(0, 0, 0));
        twin.Move(At(0, 0, 60));

        Assert.True(GeofenceTracker.Decide(twin.Membership, At(0, 0, 120), T0.AddSeconds(120), GeofenceIndex.Empty).IsNone);
    }

    [Fact]
    public void Replaying_the_journaled_decisions_gives_the_decided_membership_whatever_the_geofences_became()
    {
        var twin = new Twin(Index(1, Square("depot"), Circle("gate", Latitude, Longitude + 0.01, 300)));
        var positions = Enumerable.Range(0, 60).Select(i => At(i * 25 - 300, (i % 3 - 1) * 20, i * 30)).ToList();
        foreach (var (position, i) in positions.Select((p, i) => (p, i)))
        {
            twin.Move(position);
            if (i % 7 == 0)
            {
                twin.Tick(position.At.AddSeconds(45));
            }
        }

        Assert.NotEmpty(twin.Transitions);
        twin.Catalog = Index(2);
        var replayed = twin.Journal.Aggregate(GeofenceMembership.Empty, GeofenceTracker.Apply);

        Assert.Equal(Text(twin.Membership), Text(replayed));
        Assert.Equal(Text(GeofenceTracker.Apply(twin.Membership, GeofenceDecision.None)), Text(twin.Membership));
    }

    [Fact]
    public void A_multipolygon_is_entered_through_any_of_its_polygons()
    {
        var east = SquareRing(Latitude, Longitude + 0.05, 500);
        var zones = new Geofence
        {
            Id = "zones",
            Name = "Zones",
            Geometry = $$"""{"type":"MultiPolygon","coordinates":[[{{SquareRing(Latitude, Longitude, 500)}}],[{{east}}]]}""",
            MinDwell = TimeSpan.Zero,
        };
        var twin = new Twin(Index(1, zones));
        var between = new GeofencePosition(Latitude, Longitude + 0.025, T0);
        var inEast = new GeofencePosition(Latitude, Longitude + 0.05, T0.AddSeconds(10));

        Assert.Empty(twin.Move(between));
        var entered = Assert.Single(twin.Move(inEast));

        Assert.Equal(("zones", GeofenceTransitionKind.Entered, inEast.At), (entered.GeofenceId, entered.Kind, entered.At));
    }

    [Fact]
    public void A_circle_contains_what_is_within_its_radius_on_the_sphere_and_is_left_beyond_its_buffer()
    {
        var twin = new Twin(Index(1, Circle("gate", Latitude, Longitude, 500)));

        twin.Move(At(0, 480, 0));
        twin.Move(At(0, 480, 60));
        Assert.Equal(["gate"], twin.Membership.Inside);
        twin.Move(At(0, 515, 120));
        twin.Move(At(0, 515, 600));
        Assert.Equal(["gate"], twin.Membership.Inside);
        twin.Move(At(0, 540, 660));
        var exited = Assert.Single(twin.Move(At(0, 540, 720)));
        Assert.Equal((GeofenceTransitionKind.Exited, T0.AddSeconds(660)), (exited.Kind, exited.At));
    }

    [Fact]
    public void A_zero_min_dwell_enters_and_leaves_at_once()
    {
        var twin = new Twin(Index(1, Square("depot", minDwell: TimeSpan.Zero)));

        Assert.Equal(GeofenceTransitionKind.Entered, Assert.Single(twin.Move(At(0, 0, 0))).Kind);
        Assert.Equal(GeofenceTransitionKind.Exited, Assert.Single(twin.Move(At(800, 0, 1))).Kind);
        Assert.Null(GeofenceTracker.NextDue(twin.Membership));
    }

    [Fact]
    public void A_transition_becomes_a_notification_with_a_stable_id_and_the_geofence_in_its_data()
    {
        var transition = new GeofenceTransition("depot", "Depot", GeofenceTransitionKind.Entered, T0, 52.52, 13.405, GeofenceTracker.Dwelled);

        var entered = GeofenceNotifications.For("car-1", transition);
        var left = GeofenceNotifications.For("car-1", transition with { Kind = GeofenceTransitionKind.Exited, Reason = GeofenceTracker.Deleted });

        Assert.Equal((GeofenceNotifications.Entered, T0), (entered.Type, entered.At));
        Assert.Equal(entered.Id, GeofenceNotifications.For("car-1", transition).Id);
        Assert.Equal(GeofenceNotifications.Exited, left.Type);
        Assert.NotEqual(entered.Id, left.Id);
        var data = JsonDocument.Parse(entered.DataJson).RootElement;
        Assert.Equal(("depot", "Depot", 52.52, 13.405),
            (data.GetProperty("geofenceId").GetString(), data.GetProperty("name").GetString(), data.GetProperty("latitude").GetDouble(),
                data.GetProperty("longitude").GetDouble()));
    }

    [Fact]
    public void A_membership_and_a_decision_survive_the_grain_serializer()
    {
        var twin = new Twin(Index(1, Square("depot"), Square("yard", sideMeters: 3000)));
        twin.Move(At(0, 0, 0));
        twin.Move(At(0, 0, 60));
        twin.Move(At(900, 0, 90));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        var membership = serializer.Deserialize<GeofenceMembership>(serializer.SerializeToArray(twin.Membership))!;
        var decision = serializer.Deserialize<GeofenceDecision>(serializer.SerializeToArray(twin.Journal[1]))!;

        Assert.Equal(Text(twin.Membership), Text(membership));
        Assert.Equal(2, membership.Entries.Count);
        Assert.Equal(twin.Journal[1].Transitions, decision.Transitions);
        Assert.Equal(twin.Journal[1].Changes, decision.Changes);
    }
}
