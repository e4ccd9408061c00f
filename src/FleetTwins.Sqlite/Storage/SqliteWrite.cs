using Microsoft.Data.Sqlite;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// The writer connection inside a batch's transaction, handed to each write of the batch. Commands are kept per SQL
/// text, so a statement is prepared once per process rather than once per write.
/// </summary>
public sealed class SqliteWrite : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

    internal SqliteWrite(SqliteConnection connection) => this.connection = connection;

    internal SqliteTransaction? Transaction { get; set; }

    /// <summary>The command for <paramref name="sql"/>, its parameters <c>$p0</c>, <c>$p1</c>, ... set to <paramref name="values"/> in order.</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<object?> values)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }

            commands[sql] = command;
        }

        command.Transaction = Transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>Runs <paramref name="sql"/>; answers how many rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<object?> values) => Command(sql, values).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }
    }
}
