using System.IO.Hashing;
using System.Runtime.InteropServices;
using FleetTwins.Grains.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Grains.Tests.Delivery;

public sealed class DeliveryLogTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(DeliveryLog).Assembly).AddAssembly(typeof(DeliveryLogTests).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Adds each id a window after the one before: only the count bounds what is remembered.</summary>
    private static void AddWindowsApart(DeliveryLog log, IEnumerable<string> ids)
    {
        var at = Start;
        foreach (var id in ids)
        {
            log.Add(id, at);
            at += DeliveryLog.Window + TimeSpan.FromSeconds(1);
        }
    }

    [Fact]
    public void Remembers_the_last_deliveries_and_forgets_the_oldest_first()
    {
        var log = new DeliveryLog();
        var ids = Enumerable.Range(0, DeliveryLog.Capacity + 44).Select(i => $"msg_{i:D5}").ToList();
        AddWindowsApart(log, ids);

        Assert.All(ids.Take(44), id => Assert.False(log.Contains(id)));
        Assert.All(ids.Skip(44), id => Assert.True(log.Contains(id)));
        Assert.Equal(DeliveryLog.Capacity, log.Count);
        Assert.False(log.Contains("msg_never_seen"));
    }

    [Fact]
    public void Adding_a_remembered_delivery_again_changes_nothing()
    {
        var log = new DeliveryLog();
        log.Add("a", Start);
        log.Add("b", Start);
        log.Add("a", Start.AddSeconds(1));

        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void Ids_differing_only_in_case_or_by_a_character_are_different_deliveries()
    {
        var log = new DeliveryLog();
        log.Add("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Start);

        Assert.True(log.Contains("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
        Assert.False(log.Contains("msg_2kwpbgllafxdpx2ai54ppj85f4w"));
        Assert.False(log.Contains("msg_2KWPBgLlAfxdpx2AI54pPJ85f4X"));
    }

    [Fact]
    public void Survives_the_grain_storage_serializer()
    {
        var log = new DeliveryLog();
        AddWindowsApart(log, Enumerable.Range(0, 300).Select(i => $"id-{i}"));

        var copy = Serializer.Deserialize<DeliveryLog>(Serializer.SerializeToArray(log))!;

        Assert.True(copy.Contains("id-299"));
        Assert.True(copy.Contains("id-44"));
        Assert.False(copy.Contains("id-43"));
        copy.Add("id-300", Start + 300 * (DeliveryLog.Window + TimeSpan.FromSeconds(1)));
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
        AddWindowsApart(mine, Enumerable.Range(0, 200).Select(i => $"mine-{i}"));
        AddWindowsApart(theirs, Enumerable.Range(0, 300).Select(i => $"theirs-{i}"));

        mine.AddAll(theirs);

        // Theirs come after mine, oldest first: the newest 256 of the 200 + 256 are kept.
        Assert.Equal(DeliveryLog.Capacity, mine.Count);
        Assert.True(mine.Contains("theirs-299"));
        Assert.True(mine.Contains("theirs-44"));
        Assert.False(mine.Contains("mine-199"));
    }

    [Fact]
    public void Remembers_every_delivery_of_the_window_however_many_came_after_it()
    {
        var log = new DeliveryLog();
        log.Add("captured", Start);
        for (var i = 0; i < 300; i++)
        {
            log.Add($"newer-{i}", Start.AddSeconds(2 * (i + 1)));
        }

        Assert.True(log.Contains("captured"));
        Assert.Equal(301, log.Count);

        // A window after it was applied, it goes the way the last 256 rule says.
        log.Add("a window later", Start + DeliveryLog.Window + TimeSpan.FromSeconds(1));
        Assert.False(log.Contains("captured"));
        Assert.True(log.Contains("newer-0"));
        Assert.True(log.Contains("a window later"));
    }

    [Fact]
    public void Within_one_window_at_most_MaxCount_are_remembered_the_oldest_going_first()
    {
        var log = new DeliveryLog();
        var ids = Enumerable.Range(0, DeliveryLog.MaxCount + 10).Select(i => $"burst-{i}").ToList();
        ids.ForEach(id => log.Add(id, Start));

        Assert.Equal(DeliveryLog.MaxCount, log.Count);
        Assert.All(ids.Take(10), id => Assert.False(log.Contains(id)));
        Assert.All(ids.Skip(10), id => Assert.True(log.Contains(id)));

        // A window later the burst is forgotten beyond the last ones, and the arrays shrink back.
        log.Add("later", Start + DeliveryLog.Window + TimeSpan.FromSeconds(1));
        Assert.Equal(DeliveryLog.Capacity, log.Count);
        Assert.True(log.Fingerprints.Length <= 2 * DeliveryLog.Capacity);
        Assert.True(log.Contains("later"));
        Assert.True(log.Contains(ids[^1]));
    }

    [Fact]
    public void The_window_survives_the_grain_storage_serializer()
    {
        var log = new DeliveryLog();
        log.Add("captured", Start);
        Enumerable.Range(0, 300).ToList().ForEach(i => log.Add($"newer-{i}", Start.AddSeconds(i + 1)));

        var copy = Serializer.Deserialize<DeliveryLog>(Serializer.SerializeToArray(log))!;

        Assert.True(copy.Contains("captured"));
        Assert.True(copy.Contains("newer-299"));
        copy.Add("a window later", Start + DeliveryLog.Window + TimeSpan.FromSeconds(1));
        Assert.False(copy.Contains("captured"));
        Assert.True(copy.Contains("newer-0"));
    }

    [Fact]
    public void A_merged_log_keeps_both_windows()
    {
        var mine = new DeliveryLog();
        var theirs = new DeliveryLog();
        Enumerable.Range(0, 200).ToList().ForEach(i => mine.Add($"mine-{i}", Start.AddSeconds(i)));
        Enumerable.Range(0, 300).ToList().ForEach(i => theirs.Add($"theirs-{i}", Start.AddSeconds(i)));

        mine.AddAll(theirs);

        Assert.Equal(500, mine.Count);
        Assert.True(mine.Contains("mine-0"));
        Assert.True(mine.Contains("theirs-0"));
    }

    /// <summary>
    /// The shape of the log before the window (fields 0 to 3, no times): the ring of fingerprints, full, its oldest
    /// slot mid-array. Serialized as this class, it is the bytes that build stored, read here as today's log.
    /// </summary>
    [GenerateSerializer]
    public sealed class RingBeforeWindow
    {
        [Id(0)] public List<string>? Recent { get; set; }

        [Id(1)] public ulong[] Fingerprints { get; set; } = [];

        [Id(2)] public int Count { get; set; }

        [Id(3)] public int Oldest { get; set; }
    }

    [Fact]
    public void State_written_before_the_window_keeps_its_last_deliveries_until_newer_ones_take_their_place()
    {
        // Slot i held "old-(i + 256 - 44) % 256": old-0 (the oldest) in slot 44, old-255 (the newest) in slot 43.
        static ulong Fingerprint(string id) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));
        var before = new RingBeforeWindow
        {
            Fingerprints = [.. Enumerable.Range(0, DeliveryLog.Capacity).Select(i => Fingerprint($"old-{(i + DeliveryLog.Capacity - 44) % DeliveryLog.Capacity}"))],
            Count = DeliveryLog.Capacity,
            Oldest = 44,
        };

        var log = Serializer.Deserialize<DeliveryLog>(Serializer.SerializeToArray(before))!;

        Assert.All(Enumerable.Range(0, DeliveryLog.Capacity), i => Assert.True(log.Contains($"old-{i}")));
        Assert.False(log.Contains("old-256"));

        // Their time is not known: they count as older than any window, and go oldest first as new ones come.
        log.Add("new-0", Start);
        Assert.False(log.Contains("old-0"));
        Assert.True(log.Contains("old-1"));
        Enumerable.Range(1, 299).ToList().ForEach(i => log.Add($"new-{i}", Start.AddSeconds(i)));
        Assert.False(log.Contains("old-255"));
        Assert.All(Enumerable.Range(0, 300), i => Assert.True(log.Contains($"new-{i}")));
        Assert.Equal(300, log.Count);
    }
}
