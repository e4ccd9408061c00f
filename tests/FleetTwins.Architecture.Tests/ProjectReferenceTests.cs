using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace FleetTwins.Architecture.Tests;

/// <summary>
/// The arrows between our projects are the ones the table in docs/ARCHITECTURE.md allows ("Projects and the arrows
/// between them"): each project's csproj references, and what its compiled assembly really uses, are checked against it.
/// The table is read from the doc, so the doc and this test cannot drift apart.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string Root = FindRoot();

    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Allowed = ArchitectureTable.Read(Path.Combine(Root, "docs", "ARCHITECTURE.md"));

    /// <summary>Every project the table governs, with its csproj: src/ and the two operator tools (not tests, not benchmarks).</summary>
    public static TheoryData<string> Projects => new(Governed().Select(p => p.Name));

    [Fact]
    public void Every_project_of_ours_is_in_the_table()
    {
        var missing = Governed().Select(p => p.Name).Where(name => !Allowed.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"not in the table of docs/ARCHITECTURE.md: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_what_the_table_allows(string project)
    {
        var references = ProjectReferences(Governed().Single(p => p.Name == project).Path);
        var forbidden = references.Where(r => !Allowed[project].Contains(r)).ToList();
        Assert.True(forbidden.Count == 0,
            $"{project} references {string.Join(", ", forbidden)}; docs/ARCHITECTURE.md allows {Describe(Allowed[project])}");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_compiled_assembly_uses_only_what_the_table_allows(string project)
    {
        var assembly = BuiltAssembly(project);
        Assert.True(assembly is not null, $"{project} has not been built in this configuration ({Configuration}): build the solution first");
        var used = AssemblyReferences(assembly!).Where(Allowed.ContainsKey).ToList();
        var forbidden = used.Where(r => !Allowed[project].Contains(r)).ToList();
        Assert.True(forbidden.Count == 0,
            $"{project}'s assembly uses {string.Join(", ", forbidden)} (through another reference); docs/ARCHITECTURE.md allows {Describe(Allowed[project])}");
    }

    [Fact]
    public void The_check_fails_for_a_reference_the_table_does_not_allow()
    {
        // What a forbidden arrow looks like to the checks above: Search may reference Abstractions only.
        var csproj = Path.Combine(Path.GetTempPath(), $"ft-arch-{Guid.NewGuid():N}.csproj");
        File.WriteAllText(csproj, """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="../FleetTwins.Abstractions/FleetTwins.Abstractions.csproj" />
                <ProjectReference Include="../FleetTwins.Sqlite/FleetTwins.Sqlite.csproj" />
              </ItemGroup>
            </Project>
            """);
        try
        {
            var forbidden = ProjectReferences(csproj).Where(r => !Allowed["FleetTwins.Search"].Contains(r)).ToList();
            Assert.Equal(["FleetTwins.Sqlite"], forbidden);
        }
        finally
        {
            File.Delete(csproj);
        }
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static IEnumerable<(string Name, string Path)> Governed() =>
        Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(Root, "tools"), "*.csproj", SearchOption.TopDirectoryOnly))
            .Concat(Directory.GetDirectories(Path.Combine(Root, "tools")).Where(d => Path.GetFileName(d).StartsWith("FleetTwins.", StringComparison.Ordinal))
                .SelectMany(d => Directory.GetFiles(d, "*.csproj")))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path.GetFileNameWithoutExtension(p), p))
            .Distinct()
            .OrderBy(p => p.Item1, StringComparer.Ordinal);

    private static List<string> ProjectReferences(string csproj) =>
        [.. XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string?)r.Attribute("Include") ?? "").Replace('\\', '/')))];

    private static string? BuiltAssembly(string project)
    {
        var folder = Directory.GetDirectories(Root, project, SearchOption.AllDirectories)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, $"{project}.csproj")));
        var dll = folder is null ? null : Path.Combine(folder, "bin", Configuration, "net10.0", $"{project}.dll");
        return dll is not null && File.Exists(dll) ? dll : null;
    }

    private static List<string> AssemblyReferences(string dll)
    {
        using var stream = File.OpenRead(dll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))];
    }

    private static string Describe(IReadOnlySet<string> allowed) => allowed.Count == 0 ? "nothing of ours" : string.Join(", ", allowed.Order());

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FleetTwins.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no FleetTwins.sln above {AppContext.BaseDirectory}");
    }
}
