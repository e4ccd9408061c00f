namespace FleetTwins.Signatures.Tests;

/// <summary>Signature vectors kept as files (made by the svix npm package: Fixtures/svix/generate.js).</summary>
public static class Fixture
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);
}
