using System.Buffers.Binary;
using System.Text;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Sequential little-endian reads over an <see cref="IByteReader"/> through a small window, so a vocabulary of
/// tens of thousands of strings costs a few large reads. Every read is checked against the file length first:
/// running out raises <see cref="FormatErrorKind.GgufTruncated"/>, and nothing is allocated from an unchecked count.
/// </summary>
internal sealed class GgufCursor
{
    private const int WindowSize = 1 << 16;

    private readonly IByteReader _reader;
    private readonly byte[] _window = new byte[WindowSize];
    private long _windowStart;
    private int _windowLength;

    public GgufCursor(IByteReader reader)
    {
        _reader = reader;
        Length = reader.Length;
    }

    public long Length { get; }

    public long Position { get; private set; }

    public long Remaining => Length - Position;

    public string FilePath => _reader.FilePath;

    public CheckpointFormatException Error(FormatErrorKind kind, long offset, string message, string? tensor = null, Exception? inner = null) =>
        new(kind, message, FilePath, tensor, offset, inner);

    public byte ReadUInt8(string what) => Take(1, what)[0];

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>Reads <c>[u64 length][UTF-8]</c>; the length is checked against the rest of the file before anything is allocated.</summary>
    public string ReadString(string what)
    {
        long start = Position;
        ulong length = ReadUInt64(what + " length");
        if (length > (ulong)Remaining)
            throw Error(FormatErrorKind.GgufStringTooLong, start,
                $"{what} declares {length} bytes but only {Remaining} remain in the file");
        if (length > GgufConstants.MaxStringLength)
            throw Error(FormatErrorKind.GgufStringTooLong, start,
                $"{what} declares {length} bytes, more than the limit of {GgufConstants.MaxStringLength}");
        int n = (int)length;
        long bytesAt = Position;
        try
        {
            if (n <= WindowSize) return StrictUtf8.GetString(Take(n, what));
            var bytes = new byte[n]; // bounded above by the file's remaining length
            _reader.ReadExactly(Position, bytes);
            Position += n;
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error(FormatErrorKind.GgufInvalidUtf8, bytesAt + Math.Max(ex.Index, 0), $"{what} is not valid UTF-8", inner: ex);
        }
    }

    /// <summary>Returns the next <paramref name="n"/> (≤ window size) bytes, refilling the window as needed.</summary>
    private ReadOnlySpan<byte> Take(int n, string what)
    {
        if (n > Remaining)
            throw Error(FormatErrorKind.GgufTruncated, Position,
                $"file ends inside {what}: expected {n} more bytes at byte {Position}, the file has {Length}");
        long inWindow = Position - _windowStart;
        if (inWindow < 0 || inWindow + n > _windowLength)
        {
            _windowStart = Position;
            _windowLength = (int)Math.Min(WindowSize, Remaining);
            _reader.ReadExactly(_windowStart, _window.AsSpan(0, _windowLength));
            inWindow = 0;
        }
        Position += n;
        return _window.AsSpan((int)inWindow, n);
    }
}
