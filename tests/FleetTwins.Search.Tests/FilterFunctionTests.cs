using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Tests;

/// <summary>The conditions of "now" and of the twin's places and changes: now() arithmetic, localTime, weekday, inside, changed.</summary>
public sealed class FilterFunctionTests
{
    /// <summary>Monday 23 November 2026, 12:00 UTC: 13:00 in Berlin, 07:00 in New York.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static bool Matches(string filter, VehicleSummary vehicle, DateTimeOffset now, FilterContext? context = null) =>
        FilterEvaluator.Matches(FilterParser.Parse(filter, context), vehicle, now);

    [Theory]
    [InlineData("lastSeenAt < now() - 10m", true)]
    [InlineData("lastSeenAt < now()-20m", false)]
    [InlineData("lastSeenAt >= now() - 15m and lastSeenAt <= now()", true)]
    [InlineData("updatedAt >= now() - 1h", true)]
    [InlineData("updatedAt > now() + 2h", false)]
    [InlineData("lastSeenAt < NOW() + 1d", true)]
    public void Now_arithmetic_compares_a_time_with_the_evaluations_now(string filter, bool expected)
    {
        var vehicle = new VehicleSummary { Id = "a", LastSeenAt = Now.AddMinutes(-15), UpdatedAt = Now.AddMinutes(-30) };
        Assert.Equal(expected, Matches(filter, vehicle, Now));
    }

    [Fact]
    public void Now_is_bound_when_the_filter_runs_not_when_it_is_parsed()
    {
        var filter = FilterParser.Parse("lastSeenAt < now() - 10m");
        Assert.Equal(new RelativeTime(TimeSpan.FromMinutes(-10)), ((Comparison)filter).Value);
        var vehicle = new VehicleSummary { Id = "a", LastSeenAt = Now };
        Assert.False(FilterEvaluator.Matches(filter, vehicle, Now.AddMinutes(5)));
        Assert.True(FilterEvaluator.Matches(filter, vehicle, Now.AddMinutes(11)));
    }

    [Theory]
    [InlineData("localTime between 07:00 and 19:00", "UTC", true)]
    [InlineData("localTime between 12:00 and 12:01", "UTC", true)]
    [InlineData("localTime between 11:00 and 12:00", "UTC", false)] // the end is excluded
    [InlineData("localTime not between 07:00 and 19:00", "UTC", false)]
    [InlineData("localTime between 13:00 and 13:30", "Europe/Berlin", true)]
    [InlineData("localTime between 22:00 and 06:00", "UTC", false)]
    [InlineData("localTime between 20:00 and 06:00", "Asia/Tokyo", true)] // 21:00 there: inside a window over midnight
    [InlineData("localTime between 8:00 and \"17:30:00\"", "America/New_York", false)]
    [InlineData("weekday = mon", "UTC", true)]
    [InlineData("WEEKDAY = MON", "UTC", true)]
    [InlineData("weekday != mon", "UTC", false)]
    [InlineData("weekday in (sat, sun)", "UTC", false)]
    [InlineData("weekday in (tue, sat)", "Pacific/Kiritimati", true)] // UTC+14: already Tuesday 02:00
    public void LocalTime_and_weekday_read_now_in_the_configured_zone(string filter, string zone, bool expected)
    {
        var context = new FilterContext(TimeZoneInfo.FindSystemTimeZoneById(zone));
        Assert.Equal(expected, Matches(filter, new VehicleSummary { Id = "a" }, Now, context));
    }

    [Fact]
    public void A_zone_with_daylight_saving_moves_the_window_with_the_season()
    {
        var context = new FilterContext(Berlin);
        var summer = new DateTimeOffset(2026, 7, 1, 6, 30, 0, TimeSpan.Zero); // 08:30 CEST
        var winter = new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero); // 07:30 CET
        var filter = FilterParser.Parse("localTime between 08:00 and 09:00", context);
        Assert.True(FilterEvaluator.Matches(filter, new VehicleSummary { Id = "a" }, summer));
        Assert.False(FilterEvaluator.Matches(filter, new VehicleSummary { Id = "a" }, winter));
    }

    [Fact]
    public void Inside_tests_the_geofences_the_summary_lists()
    {
        var vehicle = new VehicleSummary { Id = "a", Geofences = ["depot-berlin", "zone_7.b"] };
        Assert.True(Matches("inside(depot-berlin)", vehicle, Now));
        Assert.True(Matches("inside(\"zone_7.b\") and not inside(depot-hamburg)", vehicle, Now));
        Assert.False(Matches("inside(Depot-Berlin)", vehicle, Now));
        Assert.True(Matches("inside(42)", vehicle with { Geofences = ["42"] }, Now));
        Assert.False(Matches("inside(depot-berlin)", new VehicleSummary { Id = "b" }, Now));
    }

    [Fact]
    public void Changed_compares_with_the_previous_summary_in_rules_only()
    {
        var rules = new FilterContext(TimeZoneInfo.Utc, AllowsChanged: true);
        var filter = FilterParser.Parse("changed(charging) and charging = COMPLETE", rules);
        var before = new VehicleSummary { Id = "a", Charging = "CHARGING", Soc = 79 };
        var after = before with { Charging = "COMPLETE", Soc = 80 };
        Assert.True(FilterEvaluator.Matches(filter, after, Now, previous: before));
        Assert.False(FilterEvaluator.Matches(filter, after, Now, previous: after with { Soc = 81 }));
        Assert.False(FilterEvaluator.Matches(filter, after, Now)); // no previous state: nothing changed
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("changed(soc)", rules), after, Now, previous: before));

        var e = Assert.Throws<FilterException>(() => FilterParser.Parse("soc > 5 and changed(charging)"));
        Assert.Equal(13, e.Position);
        Assert.Contains("changed() is only for rules", e.Message);
    }

    [Theory]
    [InlineData("localTime between 25:00 and 06:00", 19, "'25:00' is not a time of day")]
    [InlineData("localTime between 07:00 and 7:60", 29, "'7:60' is not a time of day")]
    [InlineData("localTime between 07:00pm and 09:00", 19, "is not a time of day")]
    [InlineData("localTime between 07:00", 24, "expected 'and' between the two times")]
    [InlineData("localTime between 07:00 and", 28, "found the end of the filter")]
    [InlineData("localTime > 07:00", 11, "expected 'between' or 'not between'")]
    [InlineData("localTime between 07:00 and 07:00", 19, "the window is empty")]
    [InlineData("weekday = monday", 11, "unknown weekday 'monday'")]
    [InlineData("weekday in (sat, holiday)", 18, "unknown weekday 'holiday'")]
    [InlineData("weekday < fri", 9, "takes =, != or 'in'")]
    [InlineData("inside()", 8, "inside() needs a geofence id")]
    [InlineData("inside(depot:berlin)", 8, "'depot:berlin' is not a geofence id")]
    [InlineData("inside(\"a b\")", 8, "'a b' is not a geofence id")]
    [InlineData("inside(depot, other)", 13, "')' to close inside(")]
    [InlineData("soc < now() - 10m", 7, "now() is a time and 'soc' is a number")]
    [InlineData("offlineFor > now()", 14, "now() is a time and 'offlineFor' is a duration")]
    [InlineData("make = now()", 8, "now() is a time and 'make' is text")]
    [InlineData("lastSeenAt < now(5m)", 18, "now() takes no arguments")]
    [InlineData("lastSeenAt < now() - 10", 22, "a duration needs a unit")]
    [InlineData("lastSeenAt < now() - ", 22, "expected a duration such as 10m after '-'")]
    [InlineData("lastSeenAt < now() * 2", 20, "unexpected character '*'")]
    [InlineData("lastSeenAt in (now())", 16, "'in' takes values")]
    [InlineData("soc = -", 7, "'soc' is a number")]
    public void A_bad_function_says_where_and_what(string filter, int position, string problem)
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(filter));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Changed_takes_a_field_that_changes_with_the_twin()
    {
        var rules = new FilterContext(TimeZoneInfo.Utc, AllowsChanged: true);
        Assert.Contains("unknown field 'colour'", Assert.Throws<FilterException>(() => FilterParser.Parse("changed(colour)", rules)).Message);
        Assert.Contains("changes with time alone", Assert.Throws<FilterException>(() => FilterParser.Parse("changed(offlineFor)", rules)).Message);
    }

    [Theory]
    [InlineData("lastSeenAt < now() - 10m", 1)]
    [InlineData("inside(a) or inside(b)", 2)]
    [InlineData("localTime not between 22:00 and 06:00", 1)]
    [InlineData("weekday in (mon, tue, wed)", 3)]
    [InlineData("weekday != sun and soc < 20", 2)]
    public void The_new_conditions_count_toward_the_cost(string filter, int conditions) =>
        Assert.Equal(conditions, FilterParser.Parse(filter).Conditions);

    [Fact]
    public void The_new_conditions_count_toward_the_limit_of_conditions()
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(string.Join(" or ", Enumerable.Repeat("inside(a)", FilterParser.MaxTerms + 1))));
        Assert.Contains($"at most {FilterParser.MaxTerms} conditions", e.Message);
    }

    [Fact]
    public void The_time_zone_setting_is_refused_at_start_unless_this_machine_knows_it()
    {
        var validator = new FilterTimeZoneOptionsValidator();
        Assert.True(validator.Validate(null, new FilterTimeZoneOptions()).Succeeded);
        Assert.True(validator.Validate(null, new FilterTimeZoneOptions { TimeZone = "Europe/Berlin" }).Succeeded);
        var refused = validator.Validate(null, new FilterTimeZoneOptions { TimeZone = "Mars/Olympus_Mons" });
        Assert.True(refused.Failed);
        Assert.Contains("Rules:TimeZone 'Mars/Olympus_Mons'", refused.FailureMessage);
        Assert.Equal(Berlin, new FilterTimeZoneOptions { TimeZone = "Europe/Berlin" }.Context(forRules: true).Zone);
    }
}
