using System.Globalization;

namespace FleetTwins.Sqlite.Storage;

/// <summary>
/// The data file's owner: <c>&lt;file&gt;.lock</c> held open without sharing (an exclusive <c>flock</c> on Linux) for as
/// long as this process uses the file. The kernel drops it when the process ends, however it ends, so a killed host
/// never leaves a stale lock behind; a refused host names the process that has the lock file open. SQLite's own locks cover one transaction; this one keeps a second host from
/// writing the same twins beside the first.
/// </summary>
internal sealed class DataFileLock : IDisposable
{
    private readonly FileStream stream;

    private DataFileLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock of <paramref name="dataPath"/>, or explains who holds it.</summary>
    public static DataFileLock Acquire(string dataPath)
    {
        var path = dataPath + ".lock";
        try
        {
            return new DataFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (UnauthorizedAccessException e)
        {
            throw Unwritable(dataPath, e);
        }
        catch (IOException e) when (e.HResult is EWouldBlock or SharingViolation)
        {
            throw new DataFileException(dataPath, $"is in use by another FleetTwins host{Holder(path)}",
                $"stop that host, or give this one another data file (FleetTwins__DataPath); the lock is {path}", e);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
        {
            // A read-only or full file system: no other host is involved, whatever the lock file's creation said.
            throw new DataFileException(dataPath, $"cannot be locked for writing ({e.Message})",
                "make its folder writable and give it free space, or choose another FleetTwins__DataPath", e);
        }
    }

    // What a held lock answers: flock's EWOULDBLOCK (as .NET reports errno on Linux), a sharing violation on Windows.
    private const int EWouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>The refusal of a file or folder the host may not write.</summary>
    internal static DataFileException Unwritable(string dataPath, Exception e) => new(dataPath,
        "cannot be opened for writing (permission denied)", "give the host's user write access to the file and its folder, or choose another FleetTwins__DataPath", e);

    public void Dispose() => stream.Dispose();

    /// <summary>Which process has the lock file open, as <c>fuser</c> would find it (Linux's /proc); empty when it cannot be told.</summary>
    private static string Holder(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "";
        }

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFiles(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget == path))
                {
                    return $" (process {pid})";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's: not ours to read.
            }
        }

        return "";
    }
}
