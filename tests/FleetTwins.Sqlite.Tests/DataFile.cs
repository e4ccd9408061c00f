using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Sqlite.Tests;

/// <summary>A data file in a folder of its own, opened (and reopened, as a restart would) by a test; deleted with it.</summary>
public sealed class DataFile : IAsyncDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fleettwins-sqlite-").FullName;

    public DataFile() => Database = Open();

    public string Path => System.IO.Path.Combine(folder, "data", "fleettwins.db");

    public SqliteDatabase Database { get; private set; }

    public static Serializer Serializer { get; } =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>Closes the file and opens it again: what survives this survived a restart.</summary>
    public async Task ReopenAsync()
    {
        await Database.DisposeAsync();
        Database = Open();
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private SqliteDatabase Open(SqliteSynchronous synchronous = SqliteSynchronous.Full) =>
        new(new SqliteOptions { DataPath = Path, Synchronous = synchronous });
}
