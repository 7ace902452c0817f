using System.Security.Cryptography;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Integrity;

namespace DeltaMerge.Pipeline.Inputs;

/// <summary>
/// The files of one input model (base, delta or target), each hashed on the pass that reads it and checked against the
/// user's checksum list as soon as the file is complete. Owns the open readers.
/// </summary>
public sealed class VerifiedInputs : IDisposable
{
    private readonly Dictionary<string, HashingFileReader> _readers = new(StringComparer.Ordinal);
    private readonly List<VerifiedFile> _verified = [];
    private readonly Lock _lock = new();
    private readonly ReadAheadPool? _readAhead;

    /// <summary>Creates the set for the model in <paramref name="directory"/>.</summary>
    /// <param name="side">Which input this is (<c>base</c>, <c>delta</c>, <c>target</c>), for messages.</param>
    /// <param name="directory">The model directory; checksum names are relative to it.</param>
    /// <param name="checksums">Expected digests (may be empty: then nothing is required, everything is still hashed).</param>
    /// <param name="checksumSource">Where the list came from, for messages.</param>
    /// <param name="allowUnlisted">Accept files the list does not mention.</param>
    /// <param name="readAhead">Read-ahead memory shared with the job's other inputs (null: each file has its own limit only).</param>
    public VerifiedInputs(string side, string directory, ChecksumList checksums, string checksumSource, bool allowUnlisted, ReadAheadPool? readAhead = null)
    {
        _readAhead = readAhead;
        Side = side;
        Directory = Path.GetFullPath(directory);
        Checksums = checksums;
        ChecksumSource = checksumSource;
        AllowUnlisted = allowUnlisted;
    }

    /// <summary>Which input this is.</summary>
    public string Side { get; }
    /// <summary>The model directory.</summary>
    public string Directory { get; }
    /// <summary>Expected digests.</summary>
    public ChecksumList Checksums { get; }
    /// <summary>Where the expected digests came from.</summary>
    public string ChecksumSource { get; }
    /// <summary>Whether unlisted files are accepted.</summary>
    public bool AllowUnlisted { get; }

    /// <summary>Files read so far with their digests and what they were checked against, in completion order.</summary>
    public IReadOnlyList<VerifiedFile> Files
    {
        get { lock (_lock) return _verified.ToList(); }
    }

    /// <summary>Opens (once) a hashing reader for a file of this input; refuses unlisted files when a list was given.</summary>
    /// <exception cref="UnlistedFileException">The file is not listed and unlisted files are not allowed.</exception>
    public HashingFileReader Open(string path)
    {
        string full = Path.GetFullPath(path);
        lock (_lock)
        {
            if (_readers.TryGetValue(full, out var existing)) return existing;
            string relative = Relative(full);
            RequireListed(full, relative);
            var reader = new HashingFileReader(full, Checksums.NeedsMd5(relative), pool: _readAhead);
            _readers.Add(full, reader);
            return reader;
        }
    }

    /// <summary>Finishes hashing <paramref name="path"/> and checks it against the list.</summary>
    /// <exception cref="ChecksumMismatchException">The digest differs from the listed one.</exception>
    public void Complete(string path)
    {
        string full = Path.GetFullPath(path);
        HashingFileReader reader;
        lock (_lock)
        {
            reader = _readers[full];
            if (_verified.Any(v => v.Path == full)) return;
        }
        Record(full, reader.Finish());
    }

    /// <summary>Finishes every open reader that is not complete yet.</summary>
    public void CompleteAll()
    {
        List<string> open;
        lock (_lock) open = _readers.Keys.ToList();
        foreach (string p in open) Complete(p);
    }

    /// <summary>Copies a small file of this input to <paramref name="destination"/>, hashing and verifying what is read.</summary>
    /// <returns>SHA-256 of the bytes (identical in source and copy).</returns>
    public string CopyVerified(string path, string destination)
    {
        string full = Path.GetFullPath(path);
        string relative = Relative(full);
        RequireListed(full, relative);
        byte[] bytes = RegularFile.ReadAllBytes(full);
        Record(full, Digest(full, bytes, Checksums.NeedsMd5(relative)));
        File.WriteAllBytes(destination, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Reads a small file of this input whole, hashing and verifying it.</summary>
    public byte[] ReadVerified(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Relative(full);
        RequireListed(full, relative);
        byte[] bytes = RegularFile.ReadAllBytes(full);
        Record(full, Digest(full, bytes, Checksums.NeedsMd5(relative)));
        return bytes;
    }

    private static FileDigests Digest(string path, byte[] bytes, bool md5) =>
        new(path, bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)), md5 ? Convert.ToHexStringLower(MD5.HashData(bytes)) : null, 0);

    private void Record(string full, FileDigests digests)
    {
        string relative = Relative(full);
        var checkedAgainst = new List<string>();
        foreach (var expected in Checksums.For(relative))
        {
            string actual = expected.Algorithm == HashAlgorithmKind.Sha256 ? digests.Sha256 : digests.Md5!;
            if (!string.Equals(actual, expected.Hex, StringComparison.Ordinal))
                throw new ChecksumMismatchException(full, expected.Algorithm, expected.Hex, actual);
            checkedAgainst.Add(expected.Algorithm == HashAlgorithmKind.Sha256 ? "sha256" : "md5");
        }
        lock (_lock)
        {
            if (_verified.Any(v => v.Path == full)) return;
            _verified.Add(new VerifiedFile(full, relative, digests, checkedAgainst));
        }
    }

    private void RequireListed(string full, string relative)
    {
        if (Checksums.Count > 0 && !AllowUnlisted && !Checksums.Contains(relative))
            throw new UnlistedFileException(full, ChecksumSource);
    }

    private string Relative(string full) => Path.GetRelativePath(Directory, full).Replace('\\', '/');

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var r in _readers.Values) r.Dispose();
            _readers.Clear();
        }
    }
}
