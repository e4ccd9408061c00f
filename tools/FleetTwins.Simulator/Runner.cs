using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Threading.Channels;
using FleetTwins.Signatures;
using RabbitMQ.Client.Exceptions;

namespace FleetTwins.Simulator;

/// <summary>
/// Drives a host with the simulated fleet for <see cref="Options.Duration"/>: webhooks over HTTP (signed, or with the
/// tracker's bearer token), INVERS messages to an AMQP queue; <see cref="Options.Concurrency"/> requests in flight,
/// paced at <see cref="Options.Rate"/> per second when given. Prints a progress line every second, then a summary.
/// </summary>
public sealed class Runner(Options options)
{
    private readonly ConcurrentDictionary<string, long> answers = new();
    private readonly ConcurrentBag<double> latencies = [];
    private long sent;
    private long failed;

    public async Task<int> RunAsync()
    {
        var url = options.Url ?? throw new ArgumentException("run needs --url (e.g. http://127.0.0.1:5080)");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(30),
        };
        await using var amqp = options.Providers.Any(p => p.Provider == "invers")
            ? await Amqp.ConnectAsync(options.Amqp ?? throw new ArgumentException("INVERS deliveries need --amqp amqp://... (or leave invers out of --providers)"), options.InversQueue)
            : null;

        var queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(options.Concurrency * 4) { SingleWriter = true });
        var clock = Stopwatch.StartNew();
        var producer = Task.Run(async () =>
        {
            long n = 0;
            foreach (var delivery in new Deliveries(options))
            {
                if (clock.Elapsed >= options.Duration)
                {
                    break;
                }

                if (options.Rate > 0 && TimeSpan.FromSeconds(++n / options.Rate) - clock.Elapsed is { Ticks: > 0 } ahead)
                {
                    await Task.Delay(ahead);
                }

                await queue.Writer.WriteAsync(delivery);
            }

            queue.Writer.Complete();
        });
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var delivery in queue.Reader.ReadAllAsync())
            {
                await SendAsync(http, amqp, delivery);
            }
        })).ToList();

        using var progress = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var all = Task.WhenAll(workers.Append(producer));
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, progress.WaitForNextTickAsync().AsTask());
            Console.Error.Write($"\r[{clock.Elapsed.TotalSeconds,5:F0} s] sent {Interlocked.Read(ref sent),9:N0} ({Interlocked.Read(ref sent) / clock.Elapsed.TotalSeconds,7:N0}/s)  {Answers()}   ");
        }

        await all;
        clock.Stop();
        Console.Error.WriteLine();
        var sorted = latencies.Order().ToList();
        double Percentile(double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
        Console.WriteLine($"result: {sent} deliveries in {clock.Elapsed.TotalSeconds:F1} s = {sent / clock.Elapsed.TotalSeconds:F0}/s; " +
            $"answers {Answers()}; failed {failed}; HTTP latency p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms, max {Percentile(1):F1} ms");
        return failed == 0 && answers.Keys.All(k => k.StartsWith('2') || k == "amqp") ? 0 : 1;
    }

    private string Answers() => string.Join(" ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}:{a.Value:N0}"));

    private async Task SendAsync(HttpClient http, Amqp? amqp, Delivery delivery)
    {
        try
        {
            if (delivery.Provider == "invers")
            {
                await amqp!.PublishAsync(delivery);
                answers.AddOrUpdate("amqp", 1, (_, n) => n + 1);
            }
            else
            {
                using var request = Request(delivery, options);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                answers.AddOrUpdate(((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
            }

            Interlocked.Increment(ref sent);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or RabbitMQClientException)
        {
            Interlocked.Increment(ref failed);
        }
    }

    /// <summary>
    /// The request a provider sends for <paramref name="delivery"/>, signed now with the secrets of
    /// <paramref name="options"/> (a retry keeps its id with a fresh timestamp), or with the tracker's bearer token.
    /// </summary>
    public static HttpRequestMessage Request(Delivery delivery, Options options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, options.Prefix + delivery.Target) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (delivery.Provider == "tracker")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.TrackerToken);
            return request;
        }

        var secret = delivery.Provider == "volteras" ? options.VolterasSecret : options.TelematicaSecret;
        SignedDelivery.AddHeaders(request.Headers, SignedDelivery.SvixPrefix, secret, delivery.Id, DateTimeOffset.UtcNow, delivery.Body);
        return request;
    }
}
