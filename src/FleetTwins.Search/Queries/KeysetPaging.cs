using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Queries;

/// <summary>A page of a search over records held in memory, in the query's order after its cursor.</summary>
public static class KeysetPaging
{
    /// <summary>
    /// The records <paramref name="query"/> matches, from its cursor on, a page long, and the cursor after it: the first
    /// limit + 1 in order kept in a heap whose top is the last of them, O(n log limit), no full sort.
    /// </summary>
    public static SearchPage<T> Page<T>(IEnumerable<T> records, Func<T, string> id, SearchQuery query, string? filterText, DateTimeOffset now)
        where T : class
    {
        var sort = query.Sort;
        var keep = query.Limit + 1;
        int Compare(T a, T b) => sort.Compare(sort.Read(a), id(a), sort.Read(b), id(b));
        var first = new PriorityQueue<T, T>(keep + 1, Comparer<T>.Create((a, b) => Compare(b, a)));
        foreach (var record in records)
        {
            if ((query.After is { } after && sort.Compare(sort.Read(record), id(record), after.Value, after.Id) <= 0)
                || (first.Count == keep && Compare(record, first.Peek()) >= 0)
                || !FilterEvaluator.Matches(query.Filter, record, now))
            {
                continue;
            }

            first.Enqueue(record, record);
            if (first.Count > keep)
            {
                first.Dequeue();
            }
        }

        var matches = new List<T>(first.Count);
        while (first.TryDequeue(out var record, out _))
        {
            matches.Add(record);
        }

        matches.Reverse();
        var page = matches.Take(query.Limit).ToList();
        var next = matches.Count > query.Limit ? PageCursor.After(sort.Read(page[^1]), id(page[^1]), sort, filterText).Encode() : null;
        return new SearchPage<T>(page, next);
    }
}
