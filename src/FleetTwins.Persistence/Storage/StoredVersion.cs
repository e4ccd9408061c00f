using System.Globalization;
using Orleans.Storage;

namespace FleetTwins.Persistence.Storage;

/// <summary>
/// The ETag of the versioned grain storages (PostgreSQL, SQLite): the row's version as invariant digits, and the
/// conflict a write or clear against another version answers.
/// </summary>
public static class StoredVersion
{
    public static string ETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version an ETag of <see cref="ETag"/> names; null for a state never stored.</summary>
    public static long? Of(string? etag) => etag is null ? null : long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    public static InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag) =>
        new($"{stateName} of {grainId} changed since version {etag ?? "none"} was read", null, etag);
}
