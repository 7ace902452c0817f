using System.Security.Cryptography;

namespace DeltaMerge.Pipeline.Output;

/// <summary>Writing small whole files into an output directory, durably and with their digest.</summary>
public static class OutputFiles
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in <paramref name="directory"/>, flushed to disk.</summary>
    public static WrittenFile WriteAll(string directory, string name, byte[] bytes)
    {
        using (var f = new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        return new WrittenFile(name, bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
