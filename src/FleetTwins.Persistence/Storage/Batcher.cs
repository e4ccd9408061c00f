using System.Threading.Channels;

namespace FleetTwins.Persistence.Storage;

/// <summary>
/// Gathers requests made at about the same time into batches: while a batch runs, the requests that arrive meanwhile
/// wait and then go together. One caller alone is not delayed (its batch of one starts at once); many callers share
/// a round trip and a commit. Each request completes only when its batch has finished.
/// </summary>
public sealed class Batcher<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TRequest>, Task<TResult[]>> run;
    private readonly SemaphoreSlim slots;
    private readonly int maxBatchSize;
    private readonly Task loop;

    /// <param name="run">Runs one batch and answers one result per request, in order; throwing fails the whole batch.</param>
    /// <param name="maxBatchSize">The most requests in one batch.</param>
    /// <param name="maxConcurrentBatches">How many batches may run at once.</param>
    public Batcher(Func<IReadOnlyList<TRequest>, Task<TResult[]>> run, int maxBatchSize, int maxConcurrentBatches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentBatches, 1);
        this.run = run;
        this.maxBatchSize = maxBatchSize;
        slots = new SemaphoreSlim(maxConcurrentBatches, maxConcurrentBatches);
        loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues a request; completes with its result once its batch has run, or with the batch's failure.</summary>
    public Task<TResult> RunAsync(TRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(Batcher<TRequest, TResult>));
        }

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private async Task LoopAsync()
    {
        var reader = queue.Reader;
        var running = new List<Task>();
        while (await reader.WaitToReadAsync())
        {
            await slots.WaitAsync();
            var batch = new List<Pending>();
            while (batch.Count < maxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            running.RemoveAll(task => task.IsCompleted);
            running.Add(RunBatchAsync(batch));
        }

        await Task.WhenAll(running);
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        try
        {
            var results = await run(batch.ConvertAll(pending => pending.Request));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Completion);
}
