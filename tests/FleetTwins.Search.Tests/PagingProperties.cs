using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using FsCheck;
using FsCheck.Fluent;

namespace FleetTwins.Search.Tests;

/// <summary>Properties of the in-memory projection: paging by cursor reads exactly the brute-force answer (<see cref="BruteForce"/>), once each.</summary>
public sealed class PagingProperties
{
    public static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void Paging_reads_the_brute_force_answer_in_order()
    {
        var cases = from fleet in Generators.Fleet
                    from filter in Generators.Filter(2)
                    from sort in Generators.Sort
                    from limit in Gen.Choose(1, 7)
                    select (fleet, filter, sort, limit);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var projection = new InMemoryFleetProjection();
            projection.WriteAsync(c.fleet, [], CancellationToken.None).GetAwaiter().GetResult();
            var paged = Paging.ReadAllPagesAsync(projection, c.filter, c.sort, c.limit).GetAwaiter().GetResult();
            Assert.Equal(BruteForce.Search(c.fleet, c.filter, c.sort, Generators.Now), paged.Select(v => v.Id).ToList());
        }).Check(Config);
    }

    [Fact]
    public async Task A_row_only_moves_to_a_newer_version_and_a_removal_takes_it_out()
    {
        var projection = new InMemoryFleetProjection();
        await projection.WriteAsync([new VehicleSummary { Id = "a", Version = 5, Soc = 50 }], [], CancellationToken.None);
        await projection.WriteAsync([new VehicleSummary { Id = "a", Version = 4, Soc = 10 }], [], CancellationToken.None);
        var page = await projection.SearchAsync(new SearchQuery(Filter.All, SortOrder.ById, 10, null), null, Generators.Now, CancellationToken.None);
        Assert.Equal(50, Assert.Single(page.Items).Soc);
        await projection.WriteAsync([], ["a"], CancellationToken.None);
        Assert.Equal(0, projection.Count);
    }

    [Fact]
    public void A_cursor_is_bound_to_its_sort_and_filter()
    {
        var cursor = PageCursor.After(5.0, "a", SortOrder.Parse("-soc"), "soc > 1").Encode();
        Assert.Equal(5.0, PageCursor.Decode(cursor, SortOrder.Parse("-soc"), "soc > 1").Value);
        Assert.Throws<ArgumentException>(() => PageCursor.Decode(cursor, SortOrder.Parse("soc"), "soc > 1"));
        Assert.Throws<ArgumentException>(() => PageCursor.Decode(cursor, SortOrder.Parse("-soc"), "soc > 2"));
        Assert.Throws<ArgumentException>(() => PageCursor.Decode("not-a-cursor!", SortOrder.Parse("-soc"), "soc > 1"));
        Assert.Throws<ArgumentException>(() => SortOrder.Parse("online"));
    }
}
