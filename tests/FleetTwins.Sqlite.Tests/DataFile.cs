using FleetTwins.Sqlite.Options;
using FleetTwins.Sqlite.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FleetTwins.Sqlite.Tests;

/// <summary>A data file in a folder of its own, opened (and reopened, as a restart would) by a test; deleted with it.</summary>
public sealed class DataFile : IAsyncDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fleettwins-sqlite-").FullName;
    private bool closed;

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
        closed = false;
    }

    /// <summary>Closes the file, as a stopped host leaves it, for a test to work on it from outside.</summary>
    public async Task CloseAsync()
    {
        await Database.DisposeAsync();
        closed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!closed)
        {
            await Database.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Overwrites <paramref name="pages"/> 4 KiB pages of a closed file with random bytes, from its middle on (or at
    /// <paramref name="fromPage"/>), as a failing disk or a stray write would: a deterministic damage for a seed.
    /// </summary>
    public static void Damage(string path, int pages = 8, long? fromPage = null, int seed = 7)
    {
        using var stream = new FileStream(path, FileMode.Open);
        var garbage = new byte[pages * 4096];
        new Random(seed).NextBytes(garbage);
        stream.Position = (fromPage ?? stream.Length / 2 / 4096) * 4096;
        stream.Write(garbage);
    }

    private SqliteDatabase Open(SqliteSynchronous synchronous = SqliteSynchronous.Full) =>
        new(new SqliteOptions { DataPath = Path, Synchronous = synchronous });
}
