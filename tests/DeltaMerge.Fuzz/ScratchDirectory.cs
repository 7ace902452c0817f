namespace DeltaMerge.Fuzz;

/// <summary>
/// A private directory for parsers that read files by path (tokenizer directories, eval data, checksum lists): each
/// input is written there under the name the product expects. Removed at exit.
/// </summary>
internal static class ScratchDirectory
{
    private static readonly Lazy<string> Root = new(() =>
    {
        // In memory where possible: on a disk, creating and deleting files per input costs milliseconds and would
        // bound the file-based targets to ~100 executions a second.
        string dir = Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"deltamerge-fuzz-{Environment.ProcessId}")).FullName
            : Directory.CreateTempSubdirectory("deltamerge-fuzz-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    /// <summary>An empty subdirectory <paramref name="name"/> (emptied when it exists).</summary>
    public static string Fresh(string name)
    {
        string dir = Path.Combine(Root.Value, name);
        if (Directory.Exists(dir))
            foreach (string f in Directory.EnumerateFiles(dir)) File.Delete(f);
        else
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
