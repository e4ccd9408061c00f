using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Tests;

/// <summary>The language over records other than vehicles: a catalogue of their fields is all it needs.</summary>
public sealed class FieldCatalogueTests
{
    /// <summary>A record of another kind, as an alert list would filter.</summary>
    public sealed record Ticket(string Status, string Severity, string? Rule, DateTimeOffset RaisedAt);

    public static readonly FieldCatalogue<Ticket> Tickets = new(
    [
        new("status", FieldType.Text, "status", t => t.Status),
        new("severity", FieldType.Text, "severity", t => t.Severity),
        new("rule", FieldType.Text, "rule", t => t.Rule),
        new("raisedAt", FieldType.Time, "raised_at", t => t.RaisedAt),
    ]);

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_second_catalogue_parses_and_evaluates_its_own_fields()
    {
        var filter = FilterParser.Parse("status in (active, acknowledged) and severity = critical and raisedAt > now() - 1h", Tickets);
        Assert.True(FilterEvaluator.Matches(filter, new Ticket("active", "critical", "r1", Now.AddMinutes(-5)), Now));
        Assert.False(FilterEvaluator.Matches(filter, new Ticket("cleared", "critical", "r1", Now.AddMinutes(-5)), Now));
        Assert.False(FilterEvaluator.Matches(filter, new Ticket("active", "critical", "r1", Now.AddHours(-2)), Now));
        Assert.True(FilterEvaluator.Matches(FilterParser.Parse("rule = null and weekday = mon", Tickets), new Ticket("active", "info", null, Now), Now));
    }

    [Theory]
    [InlineData("soc < 20", 1, "unknown field 'soc'; fields are status, severity, rule, raisedAt")]
    [InlineData("inside(depot)", 1, "inside() does not apply here")]
    [InlineData("near(52.5, 13.4, 5km)", 1, "near() applies to vehicles only")]
    public void A_second_catalogue_refuses_what_its_records_do_not_have(string text, int position, string problem)
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(text, Tickets));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_filter_runs_only_over_the_records_of_its_catalogue()
    {
        var filter = FilterParser.Parse("status = active", Tickets);
        Assert.Throws<InvalidOperationException>(() => FilterEvaluator.Matches(filter, new VehicleSummary { Id = "a" }, Now));
    }

    [Fact]
    public void The_vehicles_stay_the_default_catalogue() =>
        Assert.Equal(FilterParser.Parse("soc < 20 and make = BMW"), FilterParser.Parse("soc < 20 and make = BMW", Fields.Vehicles));
}
