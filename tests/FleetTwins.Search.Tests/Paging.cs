using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;

namespace FleetTwins.Search.Tests;

/// <summary>Reads a projection's whole answer the way a client pages through it (any projection: memory, SQLite, PostgreSQL).</summary>
public static class Paging
{
    /// <summary>Every page in turn, by cursor, until the last.</summary>
    public static async Task<List<VehicleSummary>> ReadAllPagesAsync(IFleetProjection projection, Filter filter, SortOrder sort, int limit)
    {
        const string filterText = "the filter";
        var all = new List<VehicleSummary>();
        PageCursor? after = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await projection.SearchAsync(new SearchQuery(filter, sort, limit, after), filterText, Generators.Now, CancellationToken.None);
            Assert.True(page.Items.Count <= limit);
            all.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return all;
            }

            after = PageCursor.Decode(page.NextCursor, sort, filterText);
        }

        throw new InvalidOperationException("paging did not end");
    }
}
