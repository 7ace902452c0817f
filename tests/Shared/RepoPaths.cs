namespace DeltaMerge.Tests.Shared;

/// <summary>Locations in the repository, found from the test assembly by walking up to DeltaMerge.sln.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Tiny(string name) => Path.Combine(Fixtures, "tiny", name);

    public static string Bad(string name) => Path.Combine(Fixtures, "bad", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeltaMerge.sln"))) return dir.FullName;
        throw new InvalidOperationException("DeltaMerge.sln not found above " + AppContext.BaseDirectory);
    }
}
