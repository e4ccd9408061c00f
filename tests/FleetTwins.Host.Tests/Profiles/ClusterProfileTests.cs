using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleetTwins.Host.Tests.Infrastructure;
using FleetTwins.Tests.Infrastructure;

namespace FleetTwins.Host.Tests.Profiles;

/// <summary>Silos in the cluster profile, as separate processes on one real PostgreSQL database.</summary>
public sealed class ClusterProfileTests
{
    private static Dictionary<string, string> ClusterSettings(PostgresDatabase database, bool migrate = false) =>
        database.ClusterSettings(migrate);

    [Fact]
    public async Task A_silo_refuses_to_start_webhook_endpoints_without_credentials_and_serves_none_that_are_off()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = ClusterSettings(database, migrate: true);
        settings.Remove("Ingestion__Volteras__Secrets__0");
        settings.Remove("Ingestion__Tracker__Tokens__0");

        var (exitCode, output) = await HostProcess.RunAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("set Ingestion__Volteras__Secrets__0, Ingestion__Tracker__Tokens__0 or turn the endpoint off", output);

        settings["Ingestion__Volteras__Enabled"] = "false";
        settings["Ingestion__Tracker__Enabled"] = "false";
        await using var host = await HostProcess.StartAsync(settings);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsync("/webhooks/volteras", new ByteArrayContent("{}"u8.ToArray()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsync("/webhooks/tracker", new ByteArrayContent("{}"u8.ToArray()))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.PostAsync("/webhooks/telematica", new ByteArrayContent("{}"u8.ToArray()))).StatusCode);
    }

    [Fact]
    public async Task A_twin_stored_by_the_build_before_the_journal_loads_takes_new_deliveries_and_keeps_them_over_a_restart()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = database.ClusterSettings(migrate: true);
        await using (var first = await HostProcess.StartAsync(settings))
        {
            // The schema is there now; put in the row a build before stable aliases wrote for its twin "legacy-car".
        }

        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-states-before-aliases.json")))!;
        var legacy = fixture["vehicle"]!;
        var expected = legacy["expected"]!;
        var vin = expected["vin"]!.GetValue<string>();
        foreach (var (state, grain, payload) in new[] { ("vehicle", "vehicle/legacy-car", legacy["payload"]!), ("alias", $"alias/vin:{vin}", fixture["alias"]!["payload"]!) })
        {
            await using var insert = database.DataSource.CreateCommand(
                "INSERT INTO fleettwins_grain_state (service_id, state_name, grain_id, version, payload) VALUES ('fleettwins', $1, $2, 3, $3)");
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = state });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = grain });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Convert.FromBase64String(payload.GetValue<string>()) });
            await insert.ExecuteNonQueryAsync();
        }

        long loaded;
        await using (var silo = await HostProcess.StartAsync(settings))
        {
            using var twin = JsonDocument.Parse(await silo.Http.GetStringAsync("/api/vehicles/legacy-car"));
            Assert.Equal(vin, twin.RootElement.GetProperty("vin").GetString());
            Assert.Equal(expected["odometer"]!["value"]!.GetValue<double>(), twin.RootElement.GetProperty("odometer").GetProperty("value").GetDouble());
            // That build merged vehicles with different VINs into it: the twin keeps its own VIN and lets the others go (one change).
            Assert.Equal([$"vin:{vin}"], twin.RootElement.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()).Where(a => a!.StartsWith("vin:")));
            loaded = twin.RootElement.GetProperty("version").GetInt64();
            Assert.Equal(expected["version"]!.GetValue<long>() + 1, loaded);
            // A delivery of its own is journaled on top of the old row.
            (await new WebhookSender(silo.Http).VolterasAsync("device.telemetry", ApiKeys.StateOfCharge(vin, 12.5, DateTimeOffset.UtcNow))).EnsureSuccessStatusCode();
        }

        await using var restarted = await HostProcess.StartAsync(settings);
        using var after = JsonDocument.Parse(await restarted.Http.GetStringAsync("/api/vehicles/legacy-car"));
        Assert.Equal(12.5, after.RootElement.GetProperty("stateOfCharge").GetProperty("value").GetDouble());
        Assert.Equal(loaded + 1, after.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Twin_written_on_one_silo_is_read_back_after_the_silos_that_held_it_have_stopped()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = await HostProcess.StartAsync(ClusterSettings(database, migrate: true));
        await using var second = await HostProcess.StartAsync(ClusterSettings(database));

        (await first.Http.PutAsJsonAsync("/api/vehicles/car-1", new { vin = "WBYF2AW010FN82675" })).EnsureSuccessStatusCode();
        (await first.Http.PutAsJsonAsync("/api/vehicles/car-1/charging-target", new { targetSoc = 80 })).EnsureSuccessStatusCode();

        // Whichever of the two hosted the twin, after both have stopped only PostgreSQL still has it.
        await first.StopAsync();
        var seenBySecond = await second.Http.GetFromJsonAsync<TwinView>("/api/vehicles/car-1");
        await using var third = await HostProcess.StartAsync(ClusterSettings(database));
        await second.StopAsync();
        var seenByThird = await third.Http.GetFromJsonAsync<TwinView>("/api/vehicles/car-1");

        foreach (var twin in new[] { seenBySecond, seenByThird })
        {
            Assert.NotNull(twin);
            Assert.Equal("WBYF2AW010FN82675", twin.Vin);
            Assert.Equal(80, twin.ChargingTarget?.TargetSoc);
            Assert.Equal(2, twin.Version);
        }

        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_grain_state WHERE grain_id = 'vehicle/car-1'"));
    }

    [Fact]
    public async Task Every_twin_shows_the_same_state_after_a_full_restart_of_the_silos()
    {
        string[] twins =
        [
            "/api/vehicles/resolve?vin=WBYF2AW010FN82675", "/api/vehicles/resolve?vin=WBYF2AW010FN82684",
            "/api/vehicles/resolve?vin=MAT534006MPTS4325", "/api/vehicles/resolve?provider=telematica&id=64253244f8057090fb3a822b",
            "/api/vehicles/resolve?imei=350612075195931", "/api/chargers/telematica:64253244f8057090fb3a822b",
            "/api/alerts/h283d-h9v1j-51p5d-pqv5p-b4q33", "/api/accounts/telematica:user-id-in-your-database",
            "/api/rate-limits/volteras:VEHICLE:h283d-h9v1j-51p5d-pqv5p-b4q33",
        ];
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = ClusterSettings(database, migrate: true);
        foreach (var (key, value) in WebhookSender.Settings())
        {
            settings[key] = value;
        }

        var before = new List<string>();
        await using (var first = await HostProcess.StartAsync(settings))
        await using (var second = await HostProcess.StartAsync(settings))
        {
            await new WebhookSender(first.Http).PostAllExamplesAsync();
            foreach (var twin in twins)
            {
                before.Add(await second.Http.GetStringAsync(twin));
            }
        }

        await using var restarted = await HostProcess.StartAsync(settings);
        var after = new List<string>();
        foreach (var twin in twins)
        {
            after.Add(await restarted.Http.GetStringAsync(twin));
        }

        Assert.Equal(before, after);
        // Replaying everything after the restart changes nothing: deliveries are remembered in persisted state.
        await new WebhookSender(restarted.Http).PostAllExamplesAsync();
        for (var i = 0; i < twins.Length; i++)
        {
            Assert.Equal(before[i], await restarted.Http.GetStringAsync(twins[i]));
        }
    }

    [Fact]
    public async Task Command_without_an_outcome_times_out_through_a_durable_reminder_in_postgres()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = ClusterSettings(database, migrate: true);
        settings["Commands__Timeout"] = "00:00:02";
        settings["Commands__CheckPeriod"] = "00:00:01";
        settings["Reminders__MinimumReminderPeriod"] = "00:00:01";
        await using var host = await HostProcess.StartAsync(settings);
        (await host.Http.PutAsJsonAsync("/api/vehicles/car-9", new { })).EnsureSuccessStatusCode();
        (await host.Http.PostAsJsonAsync("/api/vehicles/car-9/commands", new { command = "LOCK_DOORS" })).EnsureSuccessStatusCode();

        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = 'timeouts'"));
        var status = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await host.Http.GetStringAsync("/api/vehicles/car-9/commands")).RootElement[0].GetProperty("status").GetString(),
            s => s == "TIMED_OUT", TimeSpan.FromSeconds(30), "the command timed out");

        Assert.Equal("TIMED_OUT", status);
        // With no open command left, the timeout reminder is removed. (The outbox's reminder, registered for the
        // command-timed-out notification, goes at its first tick that finds nothing to deliver, a minute later.)
        await Eventually.ReturnsAsync(() => database.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = 'timeouts'"),
            n => n == 0, TimeSpan.FromSeconds(30), "the timeout reminder removed");
    }

    [Fact]
    public async Task Silos_join_one_cluster_in_the_membership_table_and_leave_it_on_shutdown()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var first = await HostProcess.StartAsync(ClusterSettings(database, migrate: true));
        await using var second = await HostProcess.StartAsync(ClusterSettings(database));

        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));

        await second.StopAsync();

        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 6"));
    }

    [Fact]
    public async Task Readiness_reports_postgres_and_the_silo()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var host = await HostProcess.StartAsync(ClusterSettings(database, migrate: true));

        var body = await host.Http.GetStringAsync("/health/ready");

        Assert.Contains("\"postgres\"", body);
        Assert.Contains("\"silo\"", body);
    }

    [Fact]
    public async Task Cluster_profile_without_a_connection_string_refuses_to_start_and_says_why()
    {
        var (exitCode, output) = await HostProcess.RunAsync(new Dictionary<string, string> { ["FleetTwins__Profile"] = "Cluster" });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ConnectionStrings__Postgres", output);
    }

    [Fact]
    public async Task Unknown_vehicle_is_404_in_the_cluster_profile_too_and_reading_it_stores_nothing()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var host = await HostProcess.StartAsync(ClusterSettings(database, migrate: true));

        var response = await host.Http.GetAsync("/api/vehicles/never-seen");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_grain_state"));

        // The table the twins are written to: a twin that is stored shows up in it (so the count above can fail).
        (await host.Http.PutAsJsonAsync("/api/vehicles/seen-once", new { })).EnsureSuccessStatusCode();
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM fleettwins_grain_state WHERE grain_id = 'vehicle/seen-once'"));
    }

    private sealed record TwinView(string Id, string? Vin, long Version, ChargingTargetView? ChargingTarget);

    private sealed record ChargingTargetView(double TargetSoc, string Source);
}
