using FleetTwins.Persistence.Storage;

namespace FleetTwins.Persistence.Tests;

public sealed class BatcherTests
{
    [Fact]
    public async Task Requests_arriving_while_a_batch_runs_go_together_in_the_next_one()
    {
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var batches = new List<int[]>();
        await using var batcher = new Batcher<int, int>(async requests =>
        {
            lock (batches)
            {
                batches.Add([.. requests]);
            }

            if (requests[0] == 0)
            {
                started.SetResult();
                await release.Task; // the first batch holds the only slot while the others queue up
            }

            return [.. requests.Select(r => r * 10)];
        }, maxBatchSize: 100, maxConcurrentBatches: 1);

        var first = batcher.RunAsync(0);
        await started.Task;
        var rest = Enumerable.Range(1, 20).Select(batcher.RunAsync).ToList();
        release.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(Enumerable.Range(1, 20).Select(r => r * 10), await Task.WhenAll(rest));
        Assert.Equal([[0], [.. Enumerable.Range(1, 20)]], batches);
    }

    [Fact]
    public async Task A_batch_that_fails_fails_each_of_its_requests_and_the_next_batch_runs()
    {
        var calls = 0;
        await using var batcher = new Batcher<int, int>(requests =>
            Interlocked.Increment(ref calls) == 1 ? throw new IOException("down") : Task.FromResult(requests.ToArray()), 10, 1);

        await Assert.ThrowsAsync<IOException>(() => batcher.RunAsync(1));
        Assert.Equal(2, await batcher.RunAsync(2));
    }

    [Fact]
    public async Task No_batch_is_larger_than_its_limit()
    {
        var largest = 0;
        await using var batcher = new Batcher<int, int>(async requests =>
        {
            largest = Math.Max(largest, requests.Count);
            await Task.Yield();
            return [.. requests];
        }, maxBatchSize: 4, maxConcurrentBatches: 2);

        var all = await Task.WhenAll(Enumerable.Range(0, 100).Select(batcher.RunAsync));

        Assert.Equal(Enumerable.Range(0, 100), all);
        Assert.InRange(largest, 1, 4);
    }
}
