namespace FleetTwins.Grains.Tests;

/// <summary>Bounded waits for what the cluster does in the background (an outbox, a reminder, a rollout).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="done"/> until it holds, for at most 10 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(20);
        }
    }
}
