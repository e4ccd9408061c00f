using System.Diagnostics;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace FleetTwins.Host.Tests.Faults;

/// <summary>
/// SIGTERM with open watches: the host ends them itself, each with a reason the client can act on (SSE: a
/// <c>shutdown</c> event with a retry hint; gRPC: UNAVAILABLE saying the host is stopping), and exits within 2 s
/// without a warning, instead of waiting out the shutdown timeout for streams that never end; in both profiles.
/// </summary>
public sealed class WatchShutdownTests
{
    private const int FleetWatchesEach = 10;

    [Theory]
    [InlineData(false, 200, 100)]
    [InlineData(false, 700, 300)]
    [InlineData(true, 200, 100)]
    public async Task Stopping_with_open_sse_and_grpc_watches_ends_every_watch_with_a_reason_within_two_seconds(bool cluster, int sse, int grpc)
    {
        await using var database = cluster ? await PostgresDatabase.CreateAsync() : null;
        var settings = ApiKeys.AddTo(database?.ClusterSettings(migrate: true) ?? WebhookSender.Settings());
        settings["RateLimits__Api__PermitsPerSecond"] = "100000";
        settings["RateLimits__Api__Burst"] = "100000";
        settings["Watches__MaxPerKey"] = "5000";
        settings["Watches__MaxTotal"] = "5000";
        var host = await HostProcess.StartAsync(settings);
        await using var disposeHost = host;
        var vin = ApiKeys.NewVin();
        (await new WebhookSender(host.Http).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 50, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{host.HttpPort}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKeys.ReadOnly);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.GrpcPort}");
        var client = new VehicleTwins.VehicleTwinsClient(channel);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var responses = new List<HttpResponseMessage>();
        var calls = new List<IDisposable>();
        try
        {
            using var opening = new SemaphoreSlim(32);
            var sseWatches = await Task.WhenAll(Enumerable.Range(0, sse).Select(i => Limited(opening, async () =>
            {
                var response = await http.GetAsync(i < FleetWatchesEach ? "/api/fleet/watch" : $"/api/vehicles/{vin}/watch",
                    HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                lock (responses)
                {
                    responses.Add(response);
                }

                response.EnsureSuccessStatusCode();
                var events = new ServerSentEvents(await response.Content.ReadAsStreamAsync(cancel.Token));
                var first = await events.NextAsync(TimeSpan.FromSeconds(60));
                Assert.Equal(i < FleetWatchesEach ? "ready" : "twin", first.Name);
                return events;
            })));
            var grpcWatches = await Task.WhenAll(Enumerable.Range(0, grpc).Select(i => Limited(opening, async () =>
            {
                var headers = new Metadata { { "authorization", $"Bearer {ApiKeys.ReadOnly}" } };
                IAsyncStreamReader<object> stream;
                if (i < FleetWatchesEach)
                {
                    var call = client.WatchFleet(new WatchFleetRequest(), headers, cancellationToken: cancel.Token);
                    lock (calls)
                    {
                        calls.Add(call);
                    }

                    stream = new Untyped<FleetWatchEvent>(call.ResponseStream);
                }
                else
                {
                    var call = client.WatchVehicle(new WatchVehicleRequest { Id = vin }, headers, cancellationToken: cancel.Token);
                    lock (calls)
                    {
                        calls.Add(call);
                    }

                    stream = new Untyped<VehicleWatchEvent>(call.ResponseStream);
                }

                Assert.True(await stream.MoveNext(cancel.Token));
                return stream;
            })));

            var before = host.Output;
            var clock = Stopwatch.StartNew();
            await host.StopAsync();
            var stoppedIn = clock.Elapsed;

            foreach (var events in sseWatches)
            {
                var last = (await events.ReadUntilAsync(e => e.Name == "shutdown", TimeSpan.FromSeconds(10)))[^1];
                Assert.False(string.IsNullOrEmpty(last.Data.GetProperty("reason").GetString()));
                Assert.True(last.Data.GetProperty("retryAfterSeconds").GetInt32() > 0);
            }

            foreach (var stream in grpcWatches)
            {
                var ended = await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    while (await stream.MoveNext(cancel.Token))
                    {
                    }
                });
                Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
                Assert.Contains("stopping", ended.Status.Detail);
            }

            var after = host.Output;
            var stopping = after.StartsWith(before, StringComparison.Ordinal) ? after[before.Length..] : after;
            Assert.DoesNotContain("warn:", stopping);
            Assert.DoesNotContain("fail:", stopping);
            Assert.True(stoppedIn < TimeSpan.FromSeconds(2), $"stopping with {sse} SSE and {grpc} gRPC watches took {stoppedIn}");
        }
        finally
        {
            responses.ForEach(r => r.Dispose());
            calls.ForEach(c => c.Dispose());
        }
    }

    private static async Task<T> Limited<T>(SemaphoreSlim gate, Func<Task<T>> open)
    {
        await gate.WaitAsync();
        try
        {
            return await open();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A gRPC stream read for its end alone, whatever its message type.</summary>
    private sealed class Untyped<T>(IAsyncStreamReader<T> stream) : IAsyncStreamReader<object>
    {
        public object Current => stream.Current!;

        public Task<bool> MoveNext(CancellationToken cancellationToken) => stream.MoveNext(cancellationToken);
    }
}
