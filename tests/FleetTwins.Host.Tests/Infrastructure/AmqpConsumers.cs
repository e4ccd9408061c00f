using System.Diagnostics;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>
/// Which silo consumes an AMQP queue, read off each silo's <c>/metrics</c> (<c>fleettwins_amqp_consuming</c>, the stream
/// provider's gauge), and what it received (<c>fleettwins_amqp_received_total</c>): so a fault scenario can stop or
/// kill exactly the silo that holds the queue, and show that another took it over.
/// </summary>
public static class AmqpConsumers
{
    /// <summary>Waits until exactly one live silo reports consuming <paramref name="queue"/>, and answers it.</summary>
    public static async Task<HostProcess> ConsumerAsync(IEnumerable<HostProcess> silos, string queue, TimeSpan within, HostProcess? other = null)
    {
        var clock = Stopwatch.StartNew();
        var seen = "";
        while (clock.Elapsed < within)
        {
            var consuming = new List<HostProcess>();
            foreach (var silo in silos.Where(s => !s.HasExited && s != other))
            {
                try
                {
                    if (Scrape.Sum(await Scrape.MetricsAsync(silo), $$"""fleettwins_amqp_consuming{queue="{{queue}}"}""") >= 1)
                    {
                        consuming.Add(silo);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Starting or stopping: ask again.
                }
            }

            if (consuming.Count == 1)
            {
                return consuming[0];
            }

            seen = $"{consuming.Count} silos consuming";
            await Task.Delay(250);
        }

        throw new TimeoutException($"no single silo{(other is null ? "" : " other than the one given")} consumed {queue} within {within} ({seen})");
    }

    /// <summary>The messages of <paramref name="queue"/> a silo received (redelivered ones too), by its own counter.</summary>
    public static async Task<double> ReceivedAsync(HostProcess silo, string queue, bool? redelivered = null) =>
        Scrape.Sum(await Scrape.MetricsAsync(silo), redelivered is { } r
            ? $$"""fleettwins_amqp_received_total{queue="{{queue}}",redelivered="{{(r ? "true" : "false")}}"}"""
            : $$"""fleettwins_amqp_received_total{queue="{{queue}}"}""");
}
