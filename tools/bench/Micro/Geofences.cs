using System.Globalization;
using BenchmarkDotNet.Attributes;
using FleetTwins.Abstractions.Geofences;
using FleetTwins.Grains.Geofences;

/// <summary>
/// The geofence catalog's point lookup and the tracker's decision for one position, with no geofences and with
/// 10,000 (half 200 m squares, half 100 m circles, on a grid 0.01° apart): the index keeps both flat.
/// </summary>
[MemoryDiagnoser]
public class Geofences
{
    private GeofenceIndex index = null!;
    private GeofencePosition[] positions = null!;
    private GeofenceMembership membership = GeofenceMembership.Empty;
    private int next;

    [Params(0, 10_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        index = GeofenceIndex.Build(new GeofenceSet(1, [.. Enumerable.Range(0, Count).Select(Grid)]));
        // A drive across the grid, in and out of geofences, one position a second.
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        positions = [.. Enumerable.Range(0, 100_000).Select(i => new GeofencePosition(45 + i % 1000 * 0.0005, 5 + i / 1000 * 0.005, start.AddSeconds(i)))];
    }

    [Benchmark]
    public int Lookup_a_point()
    {
        var p = positions[next++ % positions.Length];
        return index.Containing(p.Latitude, p.Longitude).Count;
    }

    [Benchmark]
    public int Decide_and_apply_a_position()
    {
        var i = next++ % positions.Length;
        if (i == 0)
        {
            membership = GeofenceMembership.Empty; // the drive starts over: time must not run backwards
        }

        var p = positions[i];
        var decision = GeofenceTracker.Decide(membership, p, p.At, index);
        membership = GeofenceTracker.Apply(membership, decision);
        return decision.Transitions.Count;
    }

    private static Geofence Grid(int i)
    {
        var (lat, lon) = (45 + i / 100 * 0.01, 5 + i % 100 * 0.01);
        if (i % 2 == 1)
        {
            return new Geofence { Id = $"g{i}", Name = $"g{i}", Circle = new GeofenceCircle(new GeofenceCenter(lat, lon), 100) };
        }

        var (dLat, dLon) = (0.0009, 0.0009 / Math.Cos(lat * Math.PI / 180));
        string P(double a, double o) => string.Create(CultureInfo.InvariantCulture, $"[{o:R},{a:R}]");
        var ring = $"[{P(lat - dLat, lon - dLon)},{P(lat - dLat, lon + dLon)},{P(lat + dLat, lon + dLon)},{P(lat + dLat, lon - dLon)},{P(lat - dLat, lon - dLon)}]";
        return new Geofence { Id = $"g{i}", Name = $"g{i}", Geometry = $$"""{"type":"Polygon","coordinates":[{{ring}}]}""" };
    }
}
