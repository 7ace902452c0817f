namespace DeltaMerge.Tests.Shared;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deltamerge-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Copies a fixture directory into this one and returns the copy's path.</summary>
    public string CopyOf(string sourceDirectory, string? name = null)
    {
        string target = Sub(name ?? System.IO.Path.GetFileName(sourceDirectory));
        Directory.CreateDirectory(target);
        foreach (string f in Directory.GetFiles(sourceDirectory)) File.Copy(f, System.IO.Path.Combine(target, System.IO.Path.GetFileName(f)));
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
