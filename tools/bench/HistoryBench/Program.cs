// HistoryBench: history queries against a running FleetTwins host, each figure next to a baseline of the same run.
//   load:   N state-of-charge readings into one twin through the signed Volteras webhook (source times over the last 6 days)
//   pages:  M sequential first pages of /history (limit 100) next to M reads of the twin itself (GET /api/vehicles/{id})
//   ingest: deliveries per second to other twins for D seconds with no history readers, with R readers looping on
//           the big twin's first page, and with none again (the baseline is the mean of the two runs without)
// Usage: HistoryBench <url> <volteras-secret> <api-key> <readings> <pages> <readers> <seconds>
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FleetTwins.Signatures;

var (url, secret, key) = (args[0], args[1], args[2]);
var (readings, pages, readers, seconds) = (int.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]), int.Parse(args[6]));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
var vin = "WBYHIST" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
var start = DateTimeOffset.UtcNow.AddDays(-6);

async Task SendAsync(string vehicleVin, double soc, DateTimeOffset at)
{
    var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
    {
        metricType = "STATE_OF_CHARGE",
        vehicle = new { id = $"hb-{vehicleVin}", vin = vehicleVin },
        timestamp = at,
        stateOfCharge = new { unit = "percent", value = soc },
    }));
    var id = $"msg_{Guid.NewGuid():N}";
    var now = DateTimeOffset.UtcNow;
    using var request = SignedDelivery.Post("/webhooks/volteras/device.telemetry", SignedDelivery.SvixPrefix, secret, id, now, body);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
}

// load: readings spread over six days, sent by 16 senders (the one twin applies them one by one).
var step = TimeSpan.FromDays(5.9) / Math.Max(1, readings);
var loaded = Stopwatch.StartNew();
var next = -1;
await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
{
    for (int i; (i = Interlocked.Increment(ref next)) < readings;)
    {
        await SendAsync(vin, 20 + i % 80, start + step * i);
    }
}));
Console.WriteLine($"load: {readings} readings into one twin in {loaded.Elapsed.TotalSeconds:0.0} s ({readings / loaded.Elapsed.TotalSeconds:0} /s)");

var historyPath = $"/api/vehicles/{vin}/history?reading=stateOfCharge&limit=100";
var twinPath = $"/api/vehicles/{vin}";
async Task<double> TimeAsync(string path)
{
    var watch = Stopwatch.StartNew();
    using var response = await http.GetAsync(path);
    response.EnsureSuccessStatusCode();
    await response.Content.ReadAsByteArrayAsync();
    return watch.Elapsed.TotalMilliseconds;
}

var cold = await TimeAsync(historyPath);
var first = JsonDocument.Parse(await http.GetStringAsync(historyPath)).RootElement;
if (first.GetProperty("items").GetArrayLength() != Math.Min(100, readings))
{
    throw new InvalidOperationException($"the first page holds {first.GetProperty("items").GetArrayLength()} readings");
}

// Every reading is there: walk the pages with the largest limit.
var counted = 0;
string? cursor = null;
do
{
    var page = JsonDocument.Parse(await http.GetStringAsync($"/api/vehicles/{vin}/history?reading=stateOfCharge&limit=1000"
        + (cursor is null ? "" : $"&cursor={cursor}"))).RootElement;
    counted += page.GetProperty("items").GetArrayLength();
    cursor = page.GetProperty("nextCursor").GetString();
}
while (cursor is not null);
if (counted != readings)
{
    throw new InvalidOperationException($"history holds {counted} readings, {readings} were sent");
}

static (double P50, double P99) Percentiles(List<double> samples)
{
    samples.Sort();
    return (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * 0.99) - 1)]);
}

var twinTimes = new List<double>();
var historyTimes = new List<double>();
for (var i = 0; i < pages; i++)
{
    twinTimes.Add(await TimeAsync(twinPath));
    historyTimes.Add(await TimeAsync(historyPath));
}

var (twinP50, twinP99) = Percentiles(twinTimes);
var (historyP50, historyP99) = Percentiles(historyTimes);
Console.WriteLine($"cold first page (decodes all {readings} journal records): {cold:0.0} ms");
Console.WriteLine($"first page, {pages} sequential: p50 {historyP50:0.00} ms, p99 {historyP99:0.00} ms; "
    + $"baseline twin read p50 {twinP50:0.00} ms, p99 {twinP99:0.00} ms; ratio p99 {historyP99 / twinP99:0.00}x");

// ingest: 32 senders to 64 other twins, for a while, with and without history readers.
var others = Enumerable.Range(0, 64).Select(i => "WBYING" + Guid.NewGuid().ToString("N")[..11].ToUpperInvariant()).ToArray();
async Task<(double Rate, List<double> ReaderTimes)> IngestAsync(int withReaders)
{
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var sent = 0L;
    var readerTimes = new List<double>();
    var senders = Enumerable.Range(0, 32).Select(async s =>
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            await SendAsync(others[(s + n * 32) % others.Length], 50, DateTimeOffset.UtcNow.AddSeconds(-n % 60));
            n++;
            Interlocked.Increment(ref sent);
        }
    });
    var readerTasks = Enumerable.Range(0, withReaders).Select(async _ =>
    {
        var mine = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            mine.Add(await TimeAsync(historyPath));
        }

        lock (readerTimes)
        {
            readerTimes.AddRange(mine);
        }
    });
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(senders.Concat(readerTasks));
    return (sent / watch.Elapsed.TotalSeconds, readerTimes);
}

await IngestAsync(0); // warm-up: the 64 twins activate
var (before, _) = await IngestAsync(0);
var (during, readerTimes) = await IngestAsync(readers);
var (after, _) = await IngestAsync(0);
var baseline = (before + after) / 2;
var (readP50, readP99) = readerTimes.Count > 0 ? Percentiles(readerTimes) : (0, 0);
Console.WriteLine($"ingestion: {baseline:0} deliveries/s with no history readers (runs {before:0} and {after:0}), "
    + $"{during:0} /s with {readers} readers ({readerTimes.Count / (double)seconds:0} pages/s, p50 {readP50:0.0} ms, p99 {readP99:0.0} ms); "
    + $"ratio {during / baseline:0.00}x");
