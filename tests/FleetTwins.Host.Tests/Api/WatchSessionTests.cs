using FleetTwins.Host.Api.Watching;

namespace FleetTwins.Host.Tests.Api;

public sealed class WatchSessionTests
{
    [Fact]
    public async Task A_slow_watcher_loses_the_oldest_events_and_is_told_how_many()
    {
        var session = new WatchSession();
        for (var i = 0; i < WatchSession.BufferSize + 44; i++)
        {
            session.Post("n", i); // never blocks, however far behind the reader is
        }

        session.Lost(6);
        using var cancel = new CancellationTokenSource();
        var read = new List<WatchEvent>();
        await foreach (var e in session.ReadAllAsync(() => Task.CompletedTask, cancel.Token))
        {
            read.Add(e);
            if (read.Count == WatchSession.BufferSize + 1)
            {
                break;
            }
        }

        Assert.Equal(new WatchEvent(WatchEvent.Dropped, new WatchSession.DroppedCount(50)), read[0]);
        Assert.Equal(Enumerable.Range(44, WatchSession.BufferSize).Cast<object?>(), read.Skip(1).Select(e => e.Data));
    }
}
