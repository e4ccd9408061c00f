using System.Runtime.ExceptionServices;
using FleetTwins.Persistence.Storage;
using FleetTwins.Sqlite.Options;
using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// One SQLite data file in WAL mode: one writer connection, on which every write of the process (grain states, journal
/// records, reminders, the fleet projection) is group-committed — writes that arrive while a transaction commits go
/// together in the next one, and each completes only after its commit is durable (<see cref="SqliteOptions.Synchronous"/>).
/// Reads use pooled connections of their own: in WAL mode they never wait for the writer.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly DataFileLock fileLock;
    private readonly SqliteConnection writer;
    private readonly SqliteWrite write;
    private readonly Batcher<Func<SqliteWrite, object?>, object?> writes;
    private readonly string connectionString;
    private long commits;

    /// <summary>
    /// Opens (creating when missing) the file and its folder, takes its lock, checks it, sets WAL mode and applies the
    /// schema. A file that cannot be used as it is (another host's, damaged, read-only, newer) is refused with a
    /// <see cref="DataFileException"/> before anything is written.
    /// </summary>
    public SqliteDatabase(SqliteOptions options)
    {
        FullPath = Path.GetFullPath(options.DataPath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FullPath)!);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw DataFileLock.Unwritable(FullPath, e);
        }

        fileLock = DataFileLock.Acquire(FullPath);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            DataFileChecks.Prepare(writer, FullPath, options);
        }
        catch (SqliteException e)
        {
            Release();
            throw DataFileChecks.Refusal(FullPath, e);
        }
        catch
        {
            Release();
            throw;
        }

        write = new SqliteWrite(writer);
        // One writer: a batch at a time, on a pool thread, because Microsoft.Data.Sqlite's commands run synchronously.
        writes = new Batcher<Func<SqliteWrite, object?>, object?>(batch => Task.Run(() => Commit(batch)), options.MaxBatchSize, 1);
    }

    /// <summary>How many transactions the writer has committed: writes per commit is what group commit buys.</summary>
    public long Commits => Interlocked.Read(ref commits);

    /// <summary>The data file's full path.</summary>
    public string FullPath { get; }

    /// <summary>
    /// Runs <paramref name="write"/> in the writer's next transaction; completes with its result once that transaction
    /// has committed. The write must only touch the database (it may run twice: see <see cref="Commit"/>). A file that
    /// refuses writes until an operator acts (read-only, damaged) fails it with a <see cref="DataFileException"/>.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteWrite, T> write)
    {
        object? result;
        try
        {
            result = await writes.RunAsync(w => write(w));
        }
        catch (SqliteException e) when (DataFileChecks.IsPermanent(e))
        {
            throw DataFileChecks.Refusal(FullPath, e);
        }

        if (result is FailedWrite failed)
        {
            if (failed.Exception is SqliteException e && DataFileChecks.IsPermanent(e))
            {
                throw DataFileChecks.Refusal(FullPath, e);
            }

            ExceptionDispatchInfo.Throw(failed.Exception);
        }

        return (T)result!;
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection of its own (a consistent snapshot of what was committed).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        return read(connection);
    }

    /// <summary>Copies the whole database, consistent, into <paramref name="path"/> (<c>VACUUM INTO</c>; the file must not exist).</summary>
    public Task BackupAsync(string path) => Task.Run(() => Read(connection =>
    {
        // On a read connection: a snapshot of what was committed, while the writer goes on.
        using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $path";
        command.Parameters.AddWithValue("$path", Path.GetFullPath(path));
        return command.ExecuteNonQuery();
    }));

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
        write.Dispose();
        Release();
    }

    private void Release()
    {
        writer.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        fileLock.Dispose();
    }

    /// <summary>
    /// One transaction for the batch. Should a write throw, the transaction is rolled back and each write runs again
    /// in a transaction of its own, so that only the failing write fails (a write's failure is rare: a full disk, a
    /// corrupt file; a lost race is a result, not an exception).
    /// </summary>
    private object?[] Commit(IReadOnlyList<Func<SqliteWrite, object?>> batch)
    {
        var results = new object?[batch.Count];
        try
        {
            using var transaction = writer.BeginTransaction();
            write.Transaction = transaction;
            for (var i = 0; i < batch.Count; i++)
            {
                results[i] = batch[i](write);
            }

            transaction.Commit();
            Interlocked.Increment(ref commits);
            return results;
        }
        catch (SqliteException) when (batch.Count > 1)
        {
            return CommitEachAlone(batch);
        }
    }

    private object?[] CommitEachAlone(IReadOnlyList<Func<SqliteWrite, object?>> batch)
    {
        var results = new object?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                using var transaction = writer.BeginTransaction();
                write.Transaction = transaction;
                results[i] = batch[i](write);
                transaction.Commit();
                Interlocked.Increment(ref commits);
            }
            catch (SqliteException e)
            {
                results[i] = new FailedWrite(e);
            }
        }

        return results;
    }

    private sealed record FailedWrite(Exception Exception);

    internal static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    /// <summary>The first column of every row <paramref name="sql"/> answers, as text.</summary>
    internal static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
