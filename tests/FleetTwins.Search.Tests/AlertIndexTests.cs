using FleetTwins.Abstractions.Alerts;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Queries;
using FsCheck;
using FsCheck.Fluent;

namespace FleetTwins.Search.Tests;

/// <summary>The in-memory alert index: the list's filters, sorts and pages over the alert field catalogue.</summary>
public sealed class AlertIndexTests
{
    [Fact]
    public void Paging_reads_exactly_the_expected_alerts_in_order_never_repeating_or_skipping_one()
    {
        Prop.ForAll(AlertCases.Case.ToArbitrary(), c =>
        {
            var index = new InMemoryAlertIndex();
            index.WriteAsync(c.Inbox, CancellationToken.None).GetAwaiter().GetResult();
            var paged = AlertCases.ReadAllPagesAsync(index, c.Filter, c.Sort, c.Limit).GetAwaiter().GetResult();
            Assert.Equal(AlertCases.Expected(c.Inbox, c.Filter, c.Sort), paged.Select(a => a.Id).ToList());
        }).Check(PagingProperties.Config);
    }

    [Fact]
    public async Task An_alert_only_moves_to_a_newer_version()
    {
        var index = new InMemoryAlertIndex();
        var alert = new Alert
        {
            Id = "a-1",
            Origin = "rule",
            Rule = "low-soc",
            Severity = "major",
            Status = AlertStatuses.Active,
            RaisedAt = AlertCases.T0,
            UpdatedAt = AlertCases.T0,
        };
        await index.WriteAsync([alert with { Version = 5, Status = AlertStatuses.Cleared }], CancellationToken.None);
        await index.WriteAsync([alert with { Version = 4, Status = AlertStatuses.Active }], CancellationToken.None);

        var stored = await index.GetAsync("a-1", CancellationToken.None);
        Assert.Equal((5L, AlertStatuses.Cleared), (stored!.Version, stored.Status));
    }

    [Theory]
    [InlineData("statu = active", "unknown field 'statu'")]
    [InlineData("soc < 20", "unknown field 'soc'")]
    public void A_vehicle_field_or_a_misspelt_one_is_refused_naming_the_alert_fields(string filter, string problem)
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(filter, AlertFields.Catalogue));
        Assert.Contains(problem, e.Message);
        Assert.Contains("raisedAt", e.Message);
    }

    [Fact]
    public void The_list_is_newest_first_unless_sorted_and_sorts_on_the_alert_fields_only()
    {
        Assert.Equal("-raisedAt", SortOrder.Parse(null, AlertFields.Catalogue, AlertFields.NewestFirst).ToString());
        Assert.Equal("severity", SortOrder.Parse("severity", AlertFields.Catalogue, AlertFields.NewestFirst).ToString());
        Assert.Contains("sortable are id, status", Assert.Throws<ArgumentException>(() => SortOrder.Parse("soc", AlertFields.Catalogue, AlertFields.NewestFirst)).Message);
    }
}
