using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Tests;

public sealed class FilterParserTests
{
    [Theory]
    [InlineData("charging = CHARGING and soc < 20")]
    [InlineData("offlineFor > 2h")]
    [InlineData("make = BMW and highAlerts > 0")]
    [InlineData("near(52.52, 13.405, 5km)")]
    [InlineData("NOT (online = true) OR rental = false")]
    [InlineData("make in (BMW, \"VW\", Tesla) and soc >= 50.5")]
    [InlineData("lastSeenAt < \"2026-11-23T10:00:00Z\" and vin != null")]
    [InlineData("near(-33.9, 151.2, 800m) and offlineFor <= 30m")]
    [InlineData("  ")]
    public void The_documented_forms_parse(string filter) => Assert.NotNull(FilterParser.Parse(filter));

    [Theory]
    [InlineData("soc < 20 and charging = CHARGING or not online = true", "SOC < 20 AND Charging = CHARGING Or NoT ONLINE = true")]
    [InlineData("near(52.52, 13.405, 5km) and vin != null", "NEAR(52.52, 13.405, 5km) aNd VIN != null")]
    [InlineData("offlineFor > 2h and highAlerts > 0", "OFFLINEFOR > 2h AND highalerts > 0")]
    public void Keywords_and_field_names_are_case_insensitive(string lower, string mixed) =>
        Assert.Equal(FilterParser.Parse(lower), FilterParser.Parse(mixed));

    [Fact]
    public void In_is_a_keyword_in_any_case_but_text_values_keep_theirs()
    {
        var @in = Assert.IsType<In>(FilterParser.Parse("MAKE In (BMW, vw)"));
        Assert.Equal("make", @in.Field.Name);
        Assert.Equal(["BMW", "vw"], @in.Values);
        Assert.NotEqual(FilterParser.Parse("make = bmw"), FilterParser.Parse("MAKE = BMW"));
    }

    [Fact]
    public void And_binds_tighter_than_or_and_not_tighter_than_and()
    {
        var filter = FilterParser.Parse("online = true or not rental = true and soc > 5");
        var or = Assert.IsType<Or>(filter);
        var and = Assert.IsType<And>(or.Right);
        Assert.IsType<Not>(and.Left);
    }

    [Fact]
    public void Values_take_the_type_of_their_field()
    {
        var filter = (And)FilterParser.Parse("offlineFor > 90m and lastSeenAt >= \"2026-01-15T10:30:00.1234567+01:00\"");
        Assert.Equal(TimeSpan.FromMinutes(90), ((Comparison)filter.Left).Value);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero).AddTicks(1234560), ((Comparison)filter.Right).Value);
        var near = (Near)FilterParser.Parse("near(52.5, 13.4, 2500m)");
        Assert.Equal(2.5, near.RadiusKm);
    }

    [Theory]
    [InlineData("soc <", 6, "expected a number")]
    [InlineData("soc < abc", 7, "'soc' is a number")]
    [InlineData("colour = red", 1, "unknown field 'colour'")]
    [InlineData("soc = 1 and", 12, "found the end of the filter")]
    [InlineData("soc = 1 soc = 2", 9, "expected 'and', 'or'")]
    [InlineData("(soc = 1", 9, "')' to close the '(' at 1")]
    [InlineData("online > true", 8, "compare it with = or !=")]
    [InlineData("offlineFor > 2", 14, "needs a unit")]
    [InlineData("offlineFor > 2w", 14, "unknown duration unit 'w'")]
    [InlineData("near(52.5, 13.4, 5)", 18, "needs a unit: km or m")]
    [InlineData("near(95, 13.4, 5km)", 1, "-90..90")]
    [InlineData("make = \"BMW", 8, "not closed")]
    [InlineData("soc ! 5", 5, "'!' must be followed by '='")]
    [InlineData("soc = 5; drop table x", 8, "unexpected character ';'")]
    [InlineData("lastSeenAt > \"yesterday\"", 14, "ISO 8601")]
    [InlineData("soc > null", 5, "only be compared to null with = or !=")]
    [InlineData("make = 'BMW'", 8, "unexpected character")]
    public void A_bad_filter_says_where_and_what(string filter, int position, string problem)
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(filter));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Limits_keep_a_filter_small()
    {
        Assert.Throws<FilterException>(() => FilterParser.Parse(new string('(', 40) + "soc = 1" + new string(')', 40)));
        Assert.Throws<FilterException>(() => FilterParser.Parse(string.Join(" or ", Enumerable.Repeat("soc = 1", 65))));
        Assert.Throws<FilterException>(() => FilterParser.Parse("make = \"" + new string('x', 2100) + "\""));
    }

    [Fact]
    public void Semantics_are_two_valued_unset_fields_match_no_comparison()
    {
        var now = DateTimeOffset.UtcNow;
        var unset = new VehicleSummary { Id = "a" };
        Assert.False(FilterEvaluator.Matches(FilterParser.Parse("soc != 5"), unset, now));
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("not soc = 5"), unset, now));
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("soc = null"), unset, now));
        Assert.False(FilterEvaluator.Matches(FilterParser.Parse("offlineFor > 0s"), unset with { Online = true }, now));
    }

    [Fact]
    public void OfflineFor_and_near_mean_what_they_say()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var offline3h = new VehicleSummary { Id = "a", OfflineSince = now.AddHours(-3), Latitude = 52.52, Longitude = 13.405 };
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("offlineFor > 2h"), offline3h, now));
        Assert.False(FilterEvaluator.Matches(FilterParser.Parse("offlineFor > 4h"), offline3h, now));
        // Berlin Alexanderplatz to Potsdamer Platz is about 2.5 km; to Potsdam about 27 km.
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("near(52.5096, 13.3760, 3km)"), offline3h, now));
        Assert.False(FilterEvaluator.Matches(FilterParser.Parse("near(52.5096, 13.3760, 2km)"), offline3h, now));
        Assert.InRange(FilterEvaluator.DistanceKm(52.52, 13.405, 52.3906, 13.0645), 26, 28);
    }
}
