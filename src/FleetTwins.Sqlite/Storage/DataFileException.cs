using FleetTwins.Abstractions.Persistence;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// The data file cannot be used as it is: in use by another process, damaged, read-only, or beyond this build. The
/// message is one line naming the file, what is wrong and what to do; retrying will not help.
/// </summary>
public sealed class DataFileException(string path, string problem, string advice, Exception? inner = null)
    : StorageRefusedException($"{path} {problem}: {advice}", inner)
{
    /// <summary>The data file's full path.</summary>
    public string DataPath { get; } = path;
}
