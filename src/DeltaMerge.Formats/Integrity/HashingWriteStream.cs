using System.Security.Cryptography;

namespace DeltaMerge.Formats.Integrity;

/// <summary>A write-only stream that hashes everything written to it before passing it on.</summary>
public sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public HashingWriteStream(Stream inner, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Lower-case hex SHA-256 of all bytes written; call once, after the last write.</summary>
    public string FinishSha256() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => true;
    /// <inheritdoc />
    public override long Length => _written;
    /// <inheritdoc />
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sha256.AppendData(buffer);
        _inner.Write(buffer);
        _written += buffer.Length;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <summary>Flushes to the storage device, so a later rename publishes durable bytes.</summary>
    public void FlushToDisk()
    {
        _inner.Flush();
        if (_inner is FileStream fs) fs.Flush(flushToDisk: true);
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
