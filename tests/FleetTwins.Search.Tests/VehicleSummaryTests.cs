using FleetTwins.Abstractions.Fleet;

namespace FleetTwins.Search.Tests;

public sealed class VehicleSummaryTests
{
    [Fact]
    public void Every_property_counts_for_equality_and_geofences_compare_by_value()
    {
        var summary = new VehicleSummary { Id = "a", Geofences = ["depot"] };
        Assert.Equal(summary, summary with { Geofences = ["depot"] });
        Assert.Equal(summary.GetHashCode(), (summary with { Geofences = ["depot"] }).GetHashCode());
        foreach (var property in typeof(VehicleSummary).GetProperties().Where(p => p.CanWrite))
        {
            var changed = summary with { };
            property.SetValue(changed, property.PropertyType switch
            {
                var t when t == typeof(string) => "other",
                var t when t == typeof(long) => 99L,
                var t when t == typeof(int) => 7,
                var t when t == typeof(bool) => true,
                var t when t == typeof(double?) => 1.5,
                var t when t == typeof(DateTimeOffset) || t == typeof(DateTimeOffset?) => DateTimeOffset.UnixEpoch,
                var t when t == typeof(IReadOnlyList<string>) => new[] { "elsewhere" },
                var t => throw new InvalidOperationException($"{property.Name}: give the test a value of {t.Name}"),
            });
            Assert.False(summary.Equals(changed), $"{property.Name} does not count for VehicleSummary.Equals");
        }
    }
}
