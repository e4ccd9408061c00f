using FleetTwins.Grains.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Grains.Tests.Delivery;

public sealed class DeliveryLogTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void Remembers_the_last_deliveries_and_forgets_the_oldest_first()
    {
        var log = new DeliveryLog();
        var ids = Enumerable.Range(0, DeliveryLog.Capacity + 44).Select(i => $"msg_{i:D5}").ToList();
        ids.ForEach(log.Add);

        Assert.All(ids.Take(44), id => Assert.False(log.Contains(id)));
        Assert.All(ids.Skip(44), id => Assert.True(log.Contains(id)));
        Assert.Equal(DeliveryLog.Capacity, log.Count);
        Assert.False(log.Contains("msg_never_seen"));
    }

    [Fact]
    public void Adding_a_remembered_delivery_again_changes_nothing()
    {
        var log = new DeliveryLog();
        log.Add("a");
        log.Add("b");
        log.Add("a");

        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void Ids_differing_only_in_case_or_by_a_character_are_different_deliveries()
    {
        var log = new DeliveryLog();
        log.Add("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");

        Assert.True(log.Contains("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
        Assert.False(log.Contains("msg_2kwpbgllafxdpx2ai54ppj85f4w"));
        Assert.False(log.Contains("msg_2KWPBgLlAfxdpx2AI54pPJ85f4X"));
    }

    [Fact]
    public void Survives_the_grain_storage_serializer()
    {
        var log = new DeliveryLog();
        Enumerable.Range(0, 300).Select(i => $"id-{i}").ToList().ForEach(log.Add);

        var copy = Serializer.Deserialize<DeliveryLog>(Serializer.SerializeToArray(log))!;

        Assert.True(copy.Contains("id-299"));
        Assert.True(copy.Contains("id-44"));
        Assert.False(copy.Contains("id-43"));
        copy.Add("id-300");
        Assert.False(copy.Contains("id-44"));
    }

    /// <summary>
    /// What the DeliveryLog before fingerprints (<c>[Id(0)] List&lt;string&gt; Recent</c>, nothing else) wrote
    /// for the ids "old-1" and "old-2", byte by byte in Orleans' wire format — written out by hand, not produced by
    /// the class under test, so a change that stops it reading old state cannot also change the fixture.
    /// </summary>
    private static readonly byte[] LegacyIds =
    [
        0x20,                                     // the log: a tag-delimited object of the declared type (no type name)
        0x20,                                     // field 0 (Recent): tag-delimited, a List<string>
        0x00, 0x05,                               // the list's field 0, a var-int: its count, 2
        0x41, 0x0B, .. "old-1"u8,                 // field +1, length-prefixed, 5 bytes: the first id
        0x40, 0x0B, .. "old-2"u8,                 // the same field again, 5 bytes: the second id
        0xE0,                                     // end of the list
        0xE0,                                     // end of the log: no field 1, 2 or 3 (no fingerprints, count or ring)
    ];

    [Fact]
    public void State_written_with_delivery_ids_is_read_as_fingerprints()
    {
        // Before fingerprints the log was the list of ids in field 0; such state still answers the same.
        var log = Serializer.Deserialize<DeliveryLog>(LegacyIds)!;

        Assert.True(log.Contains("old-1"));
        Assert.True(log.Contains("old-2"));
        Assert.False(log.Contains("old-3"));
        Assert.Null(log.Recent);
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void A_merged_log_remembers_both_and_stays_bounded()
    {
        var mine = new DeliveryLog();
        var theirs = new DeliveryLog();
        Enumerable.Range(0, 200).Select(i => $"mine-{i}").ToList().ForEach(mine.Add);
        Enumerable.Range(0, 300).Select(i => $"theirs-{i}").ToList().ForEach(theirs.Add);

        mine.AddAll(theirs);

        // Theirs come after mine, oldest first: the newest 256 of the 200 + 256 are kept.
        Assert.Equal(DeliveryLog.Capacity, mine.Count);
        Assert.True(mine.Contains("theirs-299"));
        Assert.True(mine.Contains("theirs-44"));
        Assert.False(mine.Contains("mine-199"));
    }
}
