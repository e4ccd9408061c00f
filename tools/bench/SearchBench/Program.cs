// Fleet search benchmarks (tools/bench/search.sh runs both):
//   query <postgres connection string> <twins>   seeds the projection with realistic twins, then times the documented
//                                                queries on PostgreSQL and on the in-memory projection
//   lag <host url> <volteras secret> <api key> <samples>
//                                                posts signed Volteras SOC readings and times from each 200 answer until
//                                                fleet search returns the new value
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetTwins.Abstractions.Fleet;
using FleetTwins.Postgres.Projection;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using FleetTwins.Search.Queries;
using FleetTwins.Signatures;
using Npgsql;

return args switch
{
    ["query", var connection, var twins] => await QueryAsync(connection, int.Parse(twins, CultureInfo.InvariantCulture)),
    ["lag", var url, var secret, var key, var samples] => await LagAsync(url, secret, key, int.Parse(samples, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: SearchBench query <postgres> <twins> | lag <host url> <volteras secret> <api key> <samples>");
    return 2;
}

static async Task<int> QueryAsync(string connection, int count)
{
    await using var dataSource = NpgsqlDataSource.Create(connection);
    // The projection's scripts in order (the table and every column added since), as the migrator applies them.
    foreach (var script in Directory.GetFiles("deploy/sql", "*_fleet_projection*.sql").Order(StringComparer.Ordinal))
    {
        await dataSource.CreateCommand(await File.ReadAllTextAsync(script)).ExecuteNonQueryAsync();
    }

    await dataSource.CreateCommand("TRUNCATE fleettwins_vehicles").ExecuteNonQueryAsync();
    var now = DateTimeOffset.UtcNow;
    var fleet = Fleet(count, now).ToList();
    var postgres = new PostgresFleetProjection(dataSource);
    var memory = new InMemoryFleetProjection();

    var write = Stopwatch.StartNew();
    foreach (var batch in fleet.Chunk(2000))
    {
        await postgres.WriteAsync(batch, [], CancellationToken.None);
    }

    write.Stop();
    await memory.WriteAsync(fleet, [], CancellationToken.None);
    await dataSource.CreateCommand("ANALYZE fleettwins_vehicles").ExecuteNonQueryAsync();
    Console.WriteLine($"seeded {count:N0} twins into PostgreSQL in {write.Elapsed.TotalSeconds:F1} s ({count / write.Elapsed.TotalSeconds:N0} rows/s, batches of 2000)");

    (string Name, string Filter, string Sort)[] queries =
    [
        ("charging and SOC below 20", "charging = CHARGING and soc < 20", "soc"),
        ("offline for more than 2 hours", "offlineFor > 2h", "-offlineSince"),
        ("make = BMW and active HIGH alerts", "make = BMW and highAlerts > 0", "id"),
        ("within 5 km of a point", "near(52.52, 13.405, 5km)", "id"),
        ("everything, by id", "", "id"),
    ];
    Console.WriteLine($"{"query",-36} {"matches",8} | {"PostgreSQL p50",14} {"p99",8} | {"in memory p50",14} {"p99",8}   (first page of 50, ms)");
    foreach (var (name, text, sort) in queries)
    {
        var query = new SearchQuery(FilterParser.Parse(text), SortOrder.Parse(sort), 50, null);
        var matches = (await memory.AggregateAsync(query.Filter, now, CancellationToken.None)).Count;
        var (pg50, pg99) = await TimeAsync(() => postgres.SearchAsync(query, text, now, CancellationToken.None), 100);
        var (mem50, mem99) = await TimeAsync(() => memory.SearchAsync(query, text, now, CancellationToken.None), 20);
        Console.WriteLine($"{name,-36} {matches,8:N0} | {pg50,14:F2} {pg99,8:F2} | {mem50,14:F2} {mem99,8:F2}");
    }

    var second = await postgres.SearchAsync(new SearchQuery(Filter.All, SortOrder.Parse("-soc"), 50, null), "", now, CancellationToken.None);
    var deep = new SearchQuery(Filter.All, SortOrder.Parse("-soc"), 50, PageCursor.Decode(second.NextCursor!, SortOrder.Parse("-soc"), ""));
    var (next50, next99) = await TimeAsync(() => postgres.SearchAsync(deep, "", now, CancellationToken.None), 100);
    Console.WriteLine($"{"next page by cursor (sort -soc)",-36} {"",8} | {next50,14:F2} {next99,8:F2} |");
    var (agg50, agg99) = await TimeAsync(() => postgres.AggregateAsync(Filter.All, now, CancellationToken.None), 50);
    var (magg50, magg99) = await TimeAsync(() => memory.AggregateAsync(Filter.All, now, CancellationToken.None), 20);
    Console.WriteLine($"{"fleet aggregates (all twins)",-36} {count,8:N0} | {agg50,14:F2} {agg99,8:F2} | {magg50,14:F2} {magg99,8:F2}");
    return 0;
}

static async Task<(double P50, double P99)> TimeAsync<T>(Func<Task<T>> run, int times)
{
    await run(); // warm up
    var samples = new List<double>();
    for (var i = 0; i < times; i++)
    {
        var clock = Stopwatch.StartNew();
        await run();
        samples.Add(clock.Elapsed.TotalMilliseconds);
    }

    samples.Sort();
    return (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))]);
}

// A fleet spread over Germany with a realistic mix of states.
static IEnumerable<VehicleSummary> Fleet(int count, DateTimeOffset now)
{
    var random = new Random(42);
    string[] makes = ["BMW", "VW", "Tesla", "Renault", "Hyundai", "Kia", "Mercedes-Benz", "Skoda"];
    string[] charging = ["CHARGING", "COMPLETE", "DISCONNECTED", "STOPPED"];
    for (var i = 0; i < count; i++)
    {
        var online = random.NextDouble() < 0.85;
        var alerts = random.NextDouble() < 0.1 ? random.Next(1, 4) : 0;
        yield return new VehicleSummary
        {
            Id = $"WBY{i:D14}",
            Version = random.Next(1, 5000),
            Vin = $"WBY{i:D14}",
            Make = makes[random.Next(makes.Length)],
            Model = $"model-{random.Next(20)}",
            Online = online,
            LastSeenAt = VehicleSummary.Micros(now.AddSeconds(-random.Next(0, 86_400))),
            OfflineSince = online ? null : VehicleSummary.Micros(now.AddMinutes(-random.Next(1, 5 * 24 * 60))),
            Soc = Math.Round(random.NextDouble() * 100, 1),
            Charging = charging[random.Next(charging.Length)],
            Plug = random.NextDouble() < 0.4 ? "PLUGGED_IN" : "UNPLUGGED",
            Latitude = 47.5 + (random.NextDouble() * 7),
            Longitude = 6 + (random.NextDouble() * 9),
            Odometer = random.Next(0, 250_000),
            Range = random.Next(0, 500),
            Rental = random.NextDouble() < 0.2,
            Alerts = alerts,
            HighAlerts = alerts > 0 && random.NextDouble() < 0.3 ? 1 : 0,
            UpdatedAt = VehicleSummary.Micros(now),
        };
    }
}

static async Task<int> LagAsync(string url, string secret, string key, int samples)
{
    using var http = new HttpClient { BaseAddress = new Uri(url) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    var lags = new List<double>();
    var vin = "WBYLAG" + Guid.NewGuid().ToString("N")[..11].ToUpperInvariant();
    for (var i = 0; i < samples; i++)
    {
        var soc = Math.Round(1 + (i * 97.0 / samples), 3) + 0.0001 * (i % 7);
        var at = DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            metricType = "STATE_OF_CHARGE",
            vehicle = new { id = $"lag-{vin}", vin },
            timestamp = at,
            stateOfCharge = new { unit = "percent", value = soc },
        }));
        var id = $"msg_{Guid.NewGuid():N}";
        using var request = SignedDelivery.Post("/webhooks/volteras/device.telemetry", SignedDelivery.SvixPrefix, secret, id, at, body);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
        var answered = Stopwatch.StartNew();
        var filter = Uri.EscapeDataString($"vin = {vin} and soc = {soc.ToString(CultureInfo.InvariantCulture)}");
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/vehicles?filter={filter}");
            if (page.GetProperty("items").GetArrayLength() == 1)
            {
                break;
            }

            if (answered.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"sample {i} never became visible to search");
            }

            await Task.Delay(5);
        }

        lags.Add(answered.Elapsed.TotalMilliseconds);
    }

    lags.Sort();
    Console.WriteLine($"ingest-to-search lag over {samples} webhook answers: p50 {lags[lags.Count / 2]:F0} ms, p99 {lags[(int)(lags.Count * 0.99)]:F0} ms, max {lags[^1]:F0} ms (search polled every 5 ms)");
    return 0;
}
