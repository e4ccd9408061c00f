using Npgsql;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>A fresh, empty database on the test server, dropped on dispose.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var name = $"ft_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(TestServices.PostgresAdmin))
        {
            await using var create = admin.CreateCommand($"CREATE DATABASE {name}");
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(TestServices.PostgresAdmin) { Database = name };
        return new PostgresDatabase(name, builder.ConnectionString);
    }

    /// <summary>
    /// Settings of a cluster-profile silo on this database (cluster id = database name), with the test providers'
    /// credentials, which a cluster silo needs to serve its webhook endpoints.
    /// </summary>
    public Dictionary<string, string> ClusterSettings(bool migrate)
    {
        var settings = WebhookSender.Settings();
        settings["FleetTwins__Profile"] = "Cluster";
        settings["FleetTwins__ClusterId"] = Name;
        settings["FleetTwins__MigrateOnStart"] = migrate ? "true" : "false";
        settings["ConnectionStrings__Postgres"] = ConnectionString;
        return settings;
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(TestServices.PostgresAdmin);
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}
