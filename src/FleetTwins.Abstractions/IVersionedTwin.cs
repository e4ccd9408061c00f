namespace FleetTwins.Abstractions;

/// <summary>A twin snapshot that carries its version: it grows with every persisted change (ETag of the query API).</summary>
public interface IVersionedTwin
{
    string Id { get; }

    long Version { get; }
}
