namespace DeltaMerge.Fuzz;

/// <summary>
/// A private directory for parsers that read files by path (tokenizer directories, eval data, checksum lists): each
/// input is written there under the name the product expects. Removed at exit.
/// </summary>
internal static class ScratchDirectory
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("deltamerge-fuzz-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    /// <summary>An empty subdirectory <paramref name="name"/> (emptied when it exists).</summary>
    public static string Fresh(string name)
    {
        string dir = Path.Combine(Root.Value, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="fileName"/> in a fresh directory <paramref name="name"/>; returns the file's path.</summary>
    public static string WriteFile(string name, string fileName, byte[] bytes)
    {
        string path = Path.Combine(Fresh(name), fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
