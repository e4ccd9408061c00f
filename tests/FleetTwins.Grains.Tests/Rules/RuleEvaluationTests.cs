using FleetTwins.Abstractions.Alerts;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Abstractions.Rules;
using FleetTwins.Grains.Rules;

namespace FleetTwins.Grains.Tests.Rules;

/// <summary>The rules on one vehicle, pure: a twin's tracks stepped through readings and moments.</summary>
public sealed class RuleEvaluationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static Rule LowSoc(TimeSpan? @for = null, TimeSpan? clearFor = null, TimeSpan? notifyEvery = null) => new()
    {
        Id = "low-soc-idle",
        Name = "Low and not charging",
        When = "soc < 20 and charging != CHARGING",
        For = @for ?? TimeSpan.FromMinutes(10),
        ClearFor = clearFor ?? TimeSpan.Zero,
        Severity = "major",
        NotifyEvery = notifyEvery,
    };

    /// <summary>One vehicle's tracks, stepped by applying each decision as the twin would (and as a replay does).</summary>
    private sealed class Vehicle(params Rule[] rules)
    {
        public Dictionary<string, RuleTrack> Tracks { get; } = new(StringComparer.Ordinal);

        public List<Abstractions.Notifications.Notification> Raised { get; } = [];

        public CompiledRules Rules { get; set; } = new(1, [.. rules.Select(r => CompiledRule.Compile(r))]);

        public void At(DateTimeOffset at, double soc, string charging = "IDLE") => Apply(RuleEvaluation.Decide(
            "car-1", Tracks, new VehicleSummary { Id = "car-1", Soc = soc, Charging = charging }, null, Rules, at));

        public void Apply(RuleDecision? decision)
        {
            if (decision is null)
            {
                return;
            }

            foreach (var track in decision.Tracks)
            {
                Tracks[track.RuleId] = track;
            }

            foreach (var ended in decision.Ended)
            {
                Tracks.Remove(ended);
            }

            Raised.AddRange(decision.Raised);
        }

        public Alert? Alert => Tracks.Values.SingleOrDefault()?.Alert;

        public IEnumerable<string> Types => Raised.Select(n => n.Type);
    }

    [Fact]
    public void A_condition_raises_once_it_has_held_for_its_duration_of_source_time()
    {
        var car = new Vehicle(LowSoc());

        car.At(T0, 18);
        car.At(T0.AddMinutes(9), 17);
        Assert.Empty(car.Raised);

        car.At(T0.AddMinutes(10), 16);
        car.At(T0.AddMinutes(11), 15);

        Assert.Equal([RuleEvaluation.Raised], car.Types);
        Assert.Equal(AlertStatuses.Active, car.Alert!.Status);
        Assert.Equal(T0.AddMinutes(10), car.Alert.RaisedAt);
        Assert.Contains("\"soc\":16", car.Alert.Values);
    }

    [Fact]
    public void A_break_in_the_condition_restarts_its_duration()
    {
        var car = new Vehicle(LowSoc());

        car.At(T0, 18);
        car.At(T0.AddMinutes(5), 18, "CHARGING");
        car.At(T0.AddMinutes(6), 18);
        car.At(T0.AddMinutes(12), 18);
        Assert.Empty(car.Raised);

        car.At(T0.AddMinutes(16), 18);
        Assert.Equal([RuleEvaluation.Raised], car.Types);
    }

    [Fact]
    public void Flapping_at_the_threshold_raises_once_and_counts_the_re_triggers()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero, clearFor: TimeSpan.FromMinutes(2)));

        for (var minute = 0; minute < 10; minute++)
        {
            car.At(T0.AddMinutes(minute), minute % 2 == 0 ? 19 : 21);
        }

        Assert.Equal([RuleEvaluation.Raised], car.Types);
        Assert.Equal(5, car.Alert!.Count);
        Assert.True(car.Alert.Open);
    }

    [Fact]
    public void Re_triggers_notify_again_at_most_once_per_notify_every()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero, clearFor: TimeSpan.FromMinutes(5), notifyEvery: TimeSpan.FromMinutes(4)));

        for (var minute = 0; minute < 10; minute++)
        {
            car.At(T0.AddMinutes(minute), minute % 2 == 0 ? 19 : 21);
        }

        // Raised at 0; re-triggers at 2, 4, 6, 8: notified at 4 and 8.
        Assert.Equal(3, car.Raised.Count);
        Assert.Equal([1, 3, 5], car.Raised.Select(n => System.Text.Json.JsonDocument.Parse(n.DataJson).RootElement.GetProperty("count").GetInt32()));
    }

    [Fact]
    public void An_alert_clears_once_its_clear_condition_held_for_clear_for()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero, clearFor: TimeSpan.FromMinutes(2)));
        car.At(T0, 15);

        car.At(T0.AddMinutes(1), 30);
        car.At(T0.AddMinutes(2), 30);
        Assert.Single(car.Raised);

        car.At(T0.AddMinutes(3), 30);

        Assert.Equal([RuleEvaluation.Raised, RuleEvaluation.Cleared], car.Types);
        Assert.Empty(car.Tracks);
    }

    [Fact]
    public void A_redelivered_reading_decides_nothing_new()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero));
        car.At(T0, 15);

        car.At(T0, 15);
        car.At(T0, 15);

        Assert.Single(car.Raised);
    }

    [Fact]
    public void An_alert_cleared_by_hand_is_raised_again_only_after_the_condition_was_false_and_then_held_for_its_duration()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.FromMinutes(1)));
        car.At(T0, 15);
        car.At(T0.AddMinutes(1), 15);
        var id = car.Alert!.Id;

        var (decision, cleared) = RuleEvaluation.Act("car-1", car.Tracks, id, clear: true, "key:ops", "known", 1, T0.AddMinutes(2))!.Value;
        car.Apply(decision);
        car.At(T0.AddMinutes(30), 14);

        Assert.Equal(AlertStatuses.Cleared, cleared.Status);
        Assert.Equal([RuleEvaluation.Raised, RuleEvaluation.Cleared], car.Types);

        car.At(T0.AddMinutes(31), 40);
        car.At(T0.AddMinutes(32), 15);
        car.At(T0.AddMinutes(33), 15);

        Assert.Equal([RuleEvaluation.Raised, RuleEvaluation.Cleared, RuleEvaluation.Raised], car.Types);
        Assert.NotEqual(id, car.Alert!.Id);
    }

    [Fact]
    public void Acknowledged_then_cleared_is_closed_with_who_did_what_in_the_timeline()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero));
        car.At(T0, 15);
        var id = car.Alert!.Id;

        var (acknowledge, acknowledged) = RuleEvaluation.Act("car-1", car.Tracks, id, clear: false, "key:ops", "on it", 1, T0.AddMinutes(1))!.Value;
        car.Apply(acknowledge);
        var (again, _) = RuleEvaluation.Act("car-1", car.Tracks, id, clear: false, "key:ops", null, 1, T0.AddMinutes(2))!.Value;
        car.At(T0.AddMinutes(3), 50);

        Assert.Equal(AlertStatuses.Acknowledged, acknowledged.Status);
        Assert.Equal("key:ops", acknowledged.AcknowledgedBy);
        Assert.Empty(again.Raised);
        Assert.Equal([RuleEvaluation.Raised, RuleEvaluation.Acknowledged, RuleEvaluation.Cleared], car.Types);
        var closed = System.Text.Json.JsonSerializer.Deserialize<Alert>(car.Raised[^1].DataJson, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(AlertStatuses.Closed, closed.Status);
        Assert.Equal([AlertStatuses.Active, AlertStatuses.Acknowledged, AlertStatuses.Closed], closed.Timeline.Select(s => s.Status));
        Assert.Equal(3, closed.Version);
    }

    [Fact]
    public void Deleting_a_rule_clears_its_open_alert_with_the_reason()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero));
        car.At(T0, 15);

        car.Rules = new CompiledRules(2, []);
        car.At(T0.AddMinutes(1), 15);

        var cleared = System.Text.Json.JsonSerializer.Deserialize<Alert>(car.Raised[^1].DataJson, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(AlertStatuses.Cleared, cleared.Status);
        Assert.Equal("rule-deleted", cleared.Timeline[^1].Reason);
        Assert.Empty(car.Tracks);
    }

    [Fact]
    public void A_rule_that_does_not_apply_to_the_vehicle_holds_nothing()
    {
        var car = new Vehicle(LowSoc(@for: TimeSpan.Zero) with { AppliesTo = "make = Tesla" });

        car.At(T0, 5);

        Assert.Empty(car.Raised);
        Assert.Empty(car.Tracks);
    }

    [Theory]
    [InlineData("soc <", "when:")]
    [InlineData("", "when: required")]
    [InlineData("soc < 20|severity=urgent", "severity:")]
    [InlineData("soc < 20|for=-1", "for:")]
    [InlineData("soc < 20|id=bad id", "id:")]
    [InlineData("soc < 20|appliesTo=make =", "appliesTo:")]
    public void A_bad_rule_is_refused_naming_the_part(string spec, string problem)
    {
        var parts = spec.Split('|');
        var rule = LowSoc() with { When = parts[0] };
        foreach (var part in parts.Skip(1).Select(p => p.Split('=', 2)))
        {
            rule = part[0] switch
            {
                "severity" => rule with { Severity = part[1] },
                "for" => rule with { For = TimeSpan.FromMinutes(double.Parse(part[1], System.Globalization.CultureInfo.InvariantCulture)) },
                "id" => rule with { Id = part[1] },
                _ => rule with { AppliesTo = part[1] },
            };
        }

        var e = Assert.Throws<RuleException>(() => CompiledRule.Compile(rule));
        Assert.StartsWith(problem, e.Message);
    }
}
