using FleetTwins.Abstractions.Vehicles;

namespace FleetTwins.Grains.Tests.Vehicles;

public sealed class VehicleIdsTests
{
    [Theory]
    [InlineData("car-1")]
    [InlineData("WBYF2AW010FN82675")]
    [InlineData("volteras:h283d-h9v1j-51p5d-pqv5p-b4q33")]
    [InlineData("a.b_c")]
    public void Accepts_plain_twin_ids(string id) => Assert.True(VehicleIds.IsValidTwinId(id));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("unicode-é")]
    [InlineData("nul\0")]
    public void Rejects_ids_with_other_characters(string? id) => Assert.False(VehicleIds.IsValidTwinId(id));

    [Fact]
    public void Rejects_ids_longer_than_the_limit()
    {
        Assert.True(VehicleIds.IsValidTwinId(new string('a', VehicleIds.MaxLength)));
        Assert.False(VehicleIds.IsValidTwinId(new string('a', VehicleIds.MaxLength + 1)));
    }

    [Theory]
    [InlineData("WBYF2AW010FN82675", true)]
    [InlineData("MAT534006MPTS4325", true)]
    [InlineData("WBYF2AW010FN8267", false)]
    [InlineData("WBYF2AW010FN826755", false)]
    [InlineData("7SAWDDEQXPS685253", true)]
    [InlineData("WBYF2AW01-FN82675", false)]
    [InlineData("wbyf2aw010fn82675", false)]
    public void Vin_is_17_digits_and_capital_letters(string vin, bool valid) => Assert.Equal(valid, VehicleIds.IsValidVin(vin));
}
