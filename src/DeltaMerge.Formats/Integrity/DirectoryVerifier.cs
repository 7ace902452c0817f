using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Integrity;

/// <summary>
/// Checks a written model directory: every file listed in <c>SHA256SUMS</c> re-hashed, every safetensors file
/// validated (header rules and exact length), and the shard index covering exactly the tensors present.
/// </summary>
public static class DirectoryVerifier
{
    /// <summary>Verifies <paramref name="directory"/>; never throws for problems in the directory, it reports them.</summary>
    /// <param name="directory">The directory to check.</param>
    /// <param name="fileChecked">Called after each file is hashed (name, ok), for progress output.</param>
    public static VerificationResult Verify(string directory, Action<string, bool>? fileChecked = null)
    {
        string dir = Path.GetFullPath(directory);
        var problems = new List<VerificationProblem>();
        var files = new List<FileCheck>();
        string sumsPath = Path.Combine(dir, Sha256Sums.FileName);
        if (!Directory.Exists(dir))
        {
            problems.Add(new VerificationProblem(VerificationProblemKind.NotADirectory, dir, "no such directory"));
            return new VerificationResult(dir, files, problems, 0);
        }
        if (!File.Exists(sumsPath))
        {
            problems.Add(new VerificationProblem(VerificationProblemKind.MissingChecksums, sumsPath, $"{Sha256Sums.FileName} is missing"));
        }
        else
        {
            ChecksumList list;
            try
            {
                list = ChecksumList.Load([sumsPath]);
            }
            catch (CheckpointFormatException e)
            {
                problems.Add(new VerificationProblem(VerificationProblemKind.MissingChecksums, sumsPath, e.Message));
                list = ChecksumList.Empty;
            }
            foreach (string name in list.Names.Order(StringComparer.Ordinal))
            {
                string path = Path.Combine(dir, name);
                var expected = list.For(name).First();
                if (!File.Exists(path))
                {
                    problems.Add(new VerificationProblem(VerificationProblemKind.MissingFile, path, "listed in SHA256SUMS but absent"));
                    files.Add(new FileCheck(name, expected.Hex, null, false));
                    fileChecked?.Invoke(name, false);
                    continue;
                }
                string actual = expected.Algorithm == HashAlgorithmKind.Sha256
                    ? Sha256Sums.HashFile(path)
                    : Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(RegularFile.ReadAllBytes(path)));
                bool ok = actual == expected.Hex;
                if (!ok) problems.Add(new VerificationProblem(VerificationProblemKind.ChecksumMismatch, path, $"expected {expected.Hex}, computed {actual}"));
                files.Add(new FileCheck(name, expected.Hex, actual, ok));
                fileChecked?.Invoke(name, ok);
            }
            foreach (string f in Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!)
                if (f != Sha256Sums.FileName && !list.Contains(f!))
                    problems.Add(new VerificationProblem(VerificationProblemKind.UnlistedFile, Path.Combine(dir, f!), "present but not listed in SHA256SUMS"));
        }

        int tensors = 0;
        try
        {
            var model = ModelDirectory.Open(dir);
            // ReadTensors validates each file's header (safetensors: exact length, contiguous offsets) and the index.
            var opened = new List<IByteReader>();
            try
            {
                tensors = model.ReadTensors(p =>
                {
                    var r = new FileByteReader(p);
                    opened.Add(r);
                    return r;
                }).Count;
            }
            finally
            {
                foreach (var r in opened) r.Dispose();
            }
            foreach (string orphan in Directory.GetFiles(dir, "*.safetensors").Where(f => !model.WeightFiles.Contains(f)))
                problems.Add(new VerificationProblem(VerificationProblemKind.InvalidWeights, orphan, "safetensors file not referenced by the index"));
        }
        catch (CheckpointFormatException e)
        {
            problems.Add(new VerificationProblem(VerificationProblemKind.InvalidWeights, e.FilePath ?? dir, e.Message));
        }
        return new VerificationResult(dir, files, problems, tensors);
    }
}

/// <summary>The outcome of <see cref="DirectoryVerifier.Verify"/>.</summary>
/// <param name="Directory">The directory checked.</param>
/// <param name="Files">Each listed file with its expected and computed digest.</param>
/// <param name="Problems">Everything wrong (empty when the directory is good).</param>
/// <param name="TensorCount">Tensors found in the weight files.</param>
public sealed record VerificationResult(string Directory, IReadOnlyList<FileCheck> Files, IReadOnlyList<VerificationProblem> Problems, int TensorCount)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>One listed file.</summary>
/// <param name="Name">Name relative to the directory.</param>
/// <param name="Expected">Digest from SHA256SUMS.</param>
/// <param name="Actual">Digest of the bytes on disk (null when the file is missing).</param>
/// <param name="Ok">Whether they match.</param>
public sealed record FileCheck(string Name, string Expected, string? Actual, bool Ok);

/// <summary>One problem found.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Path">Where.</param>
/// <param name="Message">Details.</param>
public sealed record VerificationProblem(VerificationProblemKind Kind, string Path, string Message);

/// <summary>Kinds of verification problems.</summary>
public enum VerificationProblemKind
{
    /// <summary>The path is not a directory.</summary>
    NotADirectory,
    /// <summary>SHA256SUMS is missing or unreadable.</summary>
    MissingChecksums,
    /// <summary>A listed file is absent.</summary>
    MissingFile,
    /// <summary>A file's digest differs.</summary>
    ChecksumMismatch,
    /// <summary>A file exists that SHA256SUMS does not list.</summary>
    UnlistedFile,
    /// <summary>A weight file or the index is invalid.</summary>
    InvalidWeights,
}
