// The naive durable receiver the webhook benchmark compares FleetTwins with (tools/bench/durable.sh): what a user
// choosing a platform writes instead — verify the Svix signature, one PostgreSQL upsert per event (the vehicle's JSONB
// document merged with the event, skipped when the delivery id was seen), 200 after the commit. Nothing shared.
//   NaiveReceiver <url> <postgres connection string> <whsec_ secret>
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

var (url, postgres, secret) = (args[0], args[1], args[2]);
var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
await using var db = NpgsqlDataSource.Create(postgres);
await using (var schema = db.CreateCommand("""
    CREATE TABLE IF NOT EXISTS naive_deliveries (id text PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS naive_vehicles (id text PRIMARY KEY, doc jsonb NOT NULL, updated timestamptz NOT NULL)
    """))
{
    await schema.ExecuteNonQueryAsync();
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(url);
var app = builder.Build();
app.MapPost("/webhooks/volteras/{type}", async (HttpRequest request, string type) =>
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer);
    var body = buffer.ToArray();
    string? id = request.Headers["svix-id"], timestamp = request.Headers["svix-timestamp"], signatures = request.Headers["svix-signature"];
    if (id is null || timestamp is null || signatures is null || !long.TryParse(timestamp, out var seconds)
        || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
    {
        return Results.Json(new { status = "error", message = "missing or stale signature headers" }, statusCode: 401);
    }

    var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray()));
    if (!signatures.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected))))
    {
        return Results.Json(new { status = "error", message = "bad signature" }, statusCode: 401);
    }

    var json = JsonNode.Parse(body)!.AsObject();
    var vehicle = json["vehicle"]?["id"]?.GetValue<string>() ?? json["id"]?.GetValue<string>() ?? "unknown";
    await using var upsert = db.CreateCommand("""
        WITH fresh AS (INSERT INTO naive_deliveries (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id)
        INSERT INTO naive_vehicles (id, doc, updated) SELECT $2, $3::jsonb, now() FROM fresh
        ON CONFLICT (id) DO UPDATE SET doc = naive_vehicles.doc || EXCLUDED.doc, updated = now()
        """);
    upsert.Parameters.Add(new NpgsqlParameter { Value = id });
    upsert.Parameters.Add(new NpgsqlParameter { Value = vehicle });
    upsert.Parameters.Add(new NpgsqlParameter { Value = new JsonObject { [type] = json.DeepClone() }.ToJsonString() });
    await upsert.ExecuteNonQueryAsync();
    return Results.Json(new { status = "success", message = "stored" });
});
await app.RunAsync();
