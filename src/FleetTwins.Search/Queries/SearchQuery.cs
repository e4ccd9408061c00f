using FleetTwins.Abstractions.Fleet;
using FleetTwins.Search.Filters;

namespace FleetTwins.Search.Queries;

/// <summary>How results are ordered: one field of a catalogue, ascending or descending, records without it last, then by id.</summary>
public sealed record SortOrder(Field Field, bool Descending)
{
    public static readonly SortOrder ById = new(Fields.Id, false);

    /// <summary>Parses <c>soc</c> or <c>-soc</c> (descending) of the vehicles' fields; null or empty is by id.</summary>
    public static SortOrder Parse(string? text) => Parse(text, Fields.Vehicles, ById);

    /// <summary>Parses <c>field</c> or <c>-field</c> (descending) of <paramref name="fields"/>; null or empty is <paramref name="byDefault"/>.</summary>
    public static SortOrder Parse<T>(string? text, FieldCatalogue<T> fields, SortOrder byDefault)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return byDefault;
        }

        var descending = text.StartsWith('-');
        var name = descending ? text[1..] : text;
        var field = fields.Find(name);
        if (field is null || !field.Sortable)
        {
            throw new ArgumentException($"sort: '{name}' is not a sortable field; sortable are {string.Join(", ", fields.All.Where(f => f.Sortable).Select(f => f.Name))} (prefix '-' for descending)");
        }

        return new(field, descending);
    }

    /// <summary>The sort value of <paramref name="record"/>, a record of the catalogue the order was parsed against.</summary>
    public object? Read<T>(T record) => ((Field<T>)Field).Read(record);

    public override string ToString() => (Descending ? "-" : "") + Field.Name;

    /// <summary>Orders two summaries the way a page is ordered.</summary>
    public int Compare(VehicleSummary left, VehicleSummary right) =>
        Compare(Read(left), left.Id, Read(right), right.Id);

    /// <summary>Orders two positions (sort value, id): set values first in the direction, unset last, ties by id.</summary>
    public int Compare(object? leftValue, string leftId, object? rightValue, string rightId)
    {
        var order = (leftValue, rightValue) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => Descending ? -FilterEvaluator.CompareValues(leftValue, rightValue) : FilterEvaluator.CompareValues(leftValue, rightValue),
        };
        return order != 0 ? order : Math.Sign(string.CompareOrdinal(leftId, rightId));
    }
}

/// <summary>One search (of the fleet, of the alerts): the filter, the order, how many per page, and where the previous page ended.</summary>
public sealed record SearchQuery(Filter Filter, SortOrder Sort, int Limit, PageCursor? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
}

/// <summary>A page of results and the cursor of the next page (null on the last one).</summary>
public sealed record SearchPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Fleet aggregates over the vehicles a filter matches.</summary>
public sealed record FleetAggregates(
    long Count,
    long Online,
    double? OnlineRatio,
    double? AverageSoc,
    IReadOnlyDictionary<string, long> ByCharging)
{
    /// <summary>The <see cref="ByCharging"/> key of vehicles whose charging state nobody reported.</summary>
    public const string UnknownCharging = "UNKNOWN";
}
