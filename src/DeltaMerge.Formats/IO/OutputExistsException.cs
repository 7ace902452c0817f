namespace DeltaMerge.Formats.IO;

/// <summary>The output path exists and replacing it was not asked for.</summary>
public sealed class OutputExistsException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public OutputExistsException(string path)
        : base($"{path} already exists; choose another output path or pass --force to replace it.")
    {
        OutputPath = path;
    }

    /// <summary>The existing path.</summary>
    public string OutputPath { get; }
}
