using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Tests;

/// <summary>The operators' master data in the filter language: name, plate and group compared as text, tags tested with has.</summary>
public sealed class MasterDataFilterTests
{
    private static readonly DateTimeOffset Now = Generators.Now;

    private static readonly VehicleSummary Van = new()
    {
        Id = "van-12",
        Name = "Van 12",
        Plate = "B-FT 123",
        Group = "vans",
        Tags = ["depot-a", "night"],
        UpdatedAt = Now,
    };

    private static readonly VehicleSummary Car = new() { Id = "car-1", Plate = "M-AB 1", Group = "pool", Tags = ["depot-b"], UpdatedAt = Now };

    private static readonly VehicleSummary Bare = new() { Id = "bare", UpdatedAt = Now };

    [Theory]
    [InlineData("plate = \"B-FT 123\"", "van-12")]
    [InlineData("plate = \"b-ft 123\"", "")]
    [InlineData("tags has \"depot-a\"", "van-12")]
    [InlineData("tags has depot-b or tags has night", "car-1 van-12")]
    [InlineData("not tags has depot-a", "bare car-1")]
    [InlineData("group = vans", "van-12")]
    [InlineData("group in (vans, pool)", "car-1 van-12")]
    [InlineData("group != vans", "car-1")]
    [InlineData("group = null", "bare")]
    [InlineData("name = \"Van 12\" and TAGS HAS night", "van-12")]
    [InlineData("plate >= \"M\"", "car-1")]
    public async Task Both_the_evaluator_and_the_in_memory_projection_find_vehicles_by_plate_tag_and_group(string filter, string expected)
    {
        var parsed = FilterParser.Parse(filter);
        VehicleSummary[] fleet = [Van, Car, Bare];
        Assert.Equal(expected, string.Join(' ', fleet.Where(v => FilterEvaluator.Matches(parsed, v, Now)).Select(v => v.Id).Order(StringComparer.Ordinal)));
        Assert.Equal(expected, string.Join(' ', BruteForce.Search(fleet, parsed, SortOrder.ById, Now)));

        var projection = new InMemoryFleetProjection();
        await projection.WriteAsync(fleet, [], CancellationToken.None);
        var page = await projection.SearchAsync(new SearchQuery(parsed, SortOrder.ById, 10, null), filter, Now, CancellationToken.None);
        Assert.Equal(expected, string.Join(' ', page.Items.Select(v => v.Id)));
    }

    [Theory]
    [InlineData("tags = depot-a", 6, "'tags' is a list: test it with 'tags has \"value\"'")]
    [InlineData("tags in (a, b)", 6, "'tags' is a list")]
    [InlineData("tags has", 9, "expected a value after 'tags has', found the end of the filter")]
    [InlineData("tags has \"a b\"", 10, "'a b' cannot be in 'tags'")]
    [InlineData("group has vans", 7, "'has' tests a list (tags); 'group' is text")]
    [InlineData("colour = red", 1, "unknown field 'colour'; fields are id, vin, make, model, name, plate, group,")]
    public void A_list_is_tested_with_has_and_nothing_else(string filter, int position, string message)
    {
        var e = Assert.Throws<FilterException>(() => FilterParser.Parse(filter));
        Assert.Equal(position, e.Position);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_are_not_a_sort_field_and_has_costs_one_condition()
    {
        var e = Assert.Throws<ArgumentException>(() => SortOrder.Parse("tags"));
        Assert.Contains("'tags' is not a sortable field", e.Message, StringComparison.Ordinal);
        Assert.Equal("plate", SortOrder.Parse("-plate").Field.Name);
        Assert.Equal(3, FilterParser.Parse("tags has a or tags has b and group = vans").Conditions);
    }
}
