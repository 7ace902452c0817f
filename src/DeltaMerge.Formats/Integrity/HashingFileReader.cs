using System.Security.Cryptography;
using DeltaMerge.Formats.IO;
using Microsoft.Win32.SafeHandles;

namespace DeltaMerge.Formats.Integrity;

/// <summary>
/// Positional reads that also hash the whole file in order, so a checksum is verified on the same pass that reads the
/// data. Reads that arrive in file order are hashed as they are read. A read a little past the hashed prefix (within
/// <see cref="ReadAheadBudget"/>) first reads and hashes the bytes in between and keeps them, so the tensors they hold
/// are served from memory when asked for next (checkpoints store a layer's tensors in slightly different orders). A
/// read far ahead (a zip's central directory at the end of a file) is served directly and hashed later, when the
/// prefix reaches it. <see cref="Finish"/> hashes whatever was never asked for and returns the digests, with the
/// number of bytes that had to come from disk twice.
/// </summary>
public sealed class HashingFileReader : IByteReader
{
    private const int CatchUpChunk = 8 << 20;

    /// <summary>Reads shorter than this never trigger a catch-up (see <see cref="ReadExactly"/>).</summary>
    public const int SmallRead = 64 << 10;

    private readonly SafeFileHandle _handle;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _md5;
    private readonly LinkedList<(long Offset, byte[] Bytes, int Length)> _readAhead = new();
    private readonly Lock _lock = new();
    private long _readAheadBytes;
    private readonly ReadAheadPool? _pool;
    private long _hashedUpTo;
    private FileDigests? _result;

    /// <summary>Opens <paramref name="path"/>; <paramref name="computeMd5"/> adds an MD5 digest (Meta's checklist.chk).</summary>
    /// <param name="path">The file.</param>
    /// <param name="computeMd5">Also compute MD5 (Meta's checklist.chk).</param>
    /// <param name="readAheadBudget">Most bytes this reader keeps from catch-up reads.</param>
    /// <param name="pool">Memory shared by all readers of a job; kept bytes are taken from it (none kept when it is empty).</param>
    public HashingFileReader(string path, bool computeMd5 = false, long readAheadBudget = 128L << 20, ReadAheadPool? pool = null)
    {
        FilePath = path;
        _handle = RegularFile.OpenRead(path, FileOptions.SequentialScan);
        Length = RandomAccess.GetLength(_handle);
        ReadAheadBudget = readAheadBudget;
        _pool = pool;
        if (computeMd5) _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <summary>Most bytes kept from catch-up reads for later requests.</summary>
    public long ReadAheadBudget { get; }

    /// <summary>Bytes read from disk beyond the file's length so far, i.e. read twice (out-of-order access).</summary>
    public long RereadBytes => Math.Max(0, _diskBytes - Length);

    private long _diskBytes;

    private void Read(long offset, Span<byte> destination)
    {
        FileByteReader.ReadExactly(_handle, FilePath, Length, offset, destination);
        _diskBytes += destination.Length;
    }

    /// <summary>Bytes hashed so far (the hashed prefix of the file).</summary>
    public long HashedBytes => Volatile.Read(ref _hashedUpTo);

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + destination.Length > Length)
            throw new EndOfStreamException($"{FilePath}: read of {destination.Length} bytes at byte {offset} runs past the end of the file ({Length} bytes).");
        lock (_lock)
        {
            if (_result != null) throw new InvalidOperationException($"{FilePath} was already finished; no further reads are hashed.");
            long end = offset + destination.Length;
            if (offset > _hashedUpTo && (offset - _hashedUpTo > ReadAheadBudget || destination.Length < SmallRead))
            {
                // Far ahead, or a small structural read (a zip local header, a tiny tensor): read now, hash when the
                // prefix gets there. Catching up for it would read (and hold) everything in between.
                Read(offset, destination);
                return;
            }
            if (offset > _hashedUpTo) CatchUp(offset);
            if (end <= _hashedUpTo)
            {
                if (!TryServeFromReadAhead(offset, destination)) Read(offset, destination);
                return;
            }
            // offset <= _hashedUpTo < end: the head was read before, the tail extends the hashed prefix.
            int head = (int)(_hashedUpTo - offset);
            if (head > 0 && !TryServeFromReadAhead(offset, destination[..head])) Read(offset, destination[..head]);
            Read(_hashedUpTo, destination[head..]);
            Hash(destination[head..]);
            _hashedUpTo = end;
        }
    }

    /// <summary>Hashes the rest of the file (bytes never asked for) and returns the digests. Idempotent.</summary>
    public FileDigests Finish()
    {
        lock (_lock)
        {
            if (_result != null) return _result;
            CatchUp(Length, keep: false);
            while (_readAhead.First != null) DropOldest();
            string sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
            string? md5 = _md5 is null ? null : Convert.ToHexStringLower(_md5.GetHashAndReset());
            _result = new FileDigests(FilePath, Length, sha256, md5, RereadBytes);
            return _result;
        }
    }

    private void CatchUp(long target, bool keep = true)
    {
        while (_hashedUpTo < target)
        {
            int n = (int)Math.Min(CatchUpChunk, target - _hashedUpTo);
            // Pooled: catch-up reads come and go by the thousand on a 7B merge; fresh 8 MB arrays would pile up on the heap.
            byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(n);
            Read(_hashedUpTo, chunk.AsSpan(0, n));
            Hash(chunk.AsSpan(0, n));
            if (keep && (_pool == null || _pool.TryTake(n)))
            {
                _readAhead.AddLast((_hashedUpTo, chunk, n));
                _readAheadBytes += n;
                while (_readAheadBytes > ReadAheadBudget && _readAhead.First is { } oldest) DropOldest();
            }
            else
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
            }
            _hashedUpTo += n;
        }
    }

    private void DropOldest()
    {
        var (_, bytes, n) = _readAhead.First!.Value;
        _readAhead.RemoveFirst();
        System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        _readAheadBytes -= n;
        _pool?.Return(n);
    }

    private bool TryServeFromReadAhead(long offset, Span<byte> destination)
    {
        long end = offset + destination.Length;
        // The kept chunks are contiguous and in order; check the requested range is covered.
        if (_readAhead.First is not { } first || offset < first.Value.Offset) return false;
        var last = _readAhead.Last!.Value;
        if (end > last.Offset + last.Length) return false;
        for (var node = _readAhead.First; node != null; node = node.Next)
        {
            long chunkStart = node.Value.Offset, chunkEnd = chunkStart + node.Value.Length;
            if (chunkEnd <= offset || chunkStart >= end) continue;
            long from = Math.Max(offset, chunkStart), to = Math.Min(end, chunkEnd);
            node.Value.Bytes.AsSpan((int)(from - chunkStart), (int)(to - from)).CopyTo(destination[(int)(from - offset)..]);
        }
        // Tensors are consumed front to back: kept bytes before this read are not wanted again (if they are, they
        // come from disk and count as reread), so memory is returned as soon as the reader moves past it.
        while (_readAhead.First is { } head && head.Value.Offset + head.Value.Length <= offset) DropOldest();
        return true;
    }

    private void Hash(ReadOnlySpan<byte> bytes)
    {
        _sha256.AppendData(bytes);
        _md5?.AppendData(bytes);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
            while (_readAhead.First != null) DropOldest();
        _handle.Dispose();
        _sha256.Dispose();
        _md5?.Dispose();
    }
}
