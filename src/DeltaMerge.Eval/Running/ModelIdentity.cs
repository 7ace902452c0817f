using System.Security.Cryptography;
using System.Text;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Integrity;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// Which model a run used, so that the shards of one evaluation can be told from another's: the SHA-256 of the model's
/// checksum listing. The listing is the model directory's <c>SHA256SUMS</c> (what merge, make-delta and convert write)
/// or a GGUF file's <c>FILE.gguf.sha256</c>, as found (<c>verify</c> checks them against the files); without one, the
/// listing is computed by hashing every file (a directory's regular, non-hidden top-level files), which reads the
/// whole model once.
/// </summary>
/// <param name="Path">The model path as given (informational; not compared).</param>
/// <param name="Sha256">SHA-256 (lower-case hex) of the checksum listing.</param>
/// <param name="Source">Where the listing came from: the checksum file's name, or <see cref="HashedFiles"/>.</param>
public sealed record ModelIdentity(string Path, string Sha256, string Source)
{
    /// <summary><see cref="Source"/> when no checksum file was there and the files were hashed.</summary>
    public const string HashedFiles = "hashed files";

    /// <summary>The identity of the model at <paramref name="path"/> (a directory or a single file such as .gguf).</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    public static ModelIdentity Of(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string sums = File.Exists(full) ? full + ".sha256" : System.IO.Path.Combine(full, Sha256Sums.FileName);
        if (File.Exists(sums)) return new ModelIdentity(full, Digest(RegularFile.ReadAllBytes(sums)), System.IO.Path.GetFileName(sums));
        IEnumerable<string> files = File.Exists(full) ? [full]
            : Directory.Exists(full) ? Directory.EnumerateFiles(full).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.'))
            : throw new FileNotFoundException($"{full}: no such model file or directory.", full);
        string listing = Sha256Sums.Format(files.Select(f => KeyValuePair.Create(System.IO.Path.GetFileName(f), Sha256Sums.HashFile(f))));
        return new ModelIdentity(full, Digest(Encoding.UTF8.GetBytes(listing)), HashedFiles);
    }

    internal static string Digest(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
