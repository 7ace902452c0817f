using System.Buffers.Binary;
using System.Text;
using DeltaMerge.Formats.IO;
using static DeltaMerge.Formats.Pickle.ZipConstants;

namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// The central directory of a zip archive, read through an <see cref="IByteReader"/>. Supports ZIP64 (shards of 7B
/// models pass 4 GiB) and only stored entries.
/// </summary>
// Not System.IO.Compression.ZipArchive: it hides where an entry's bytes lie in the file and hands out streams that
// may inflate or buffer whole entries. We need each entry's absolute data offset so tensors are read later by
// positional, hashed reads of exactly their bytes, and nothing here may read the tensor data itself.
internal sealed class ZipDirectory
{
    private readonly IByteReader _reader;
    private readonly Dictionary<string, ZipEntry> _byName;

    private ZipDirectory(IByteReader reader, List<ZipEntry> entries, Dictionary<string, ZipEntry> byName, long centralDirectoryOffset)
    {
        _reader = reader;
        Entries = entries;
        _byName = byName;
        CentralDirectoryOffset = centralDirectoryOffset;
    }

    /// <summary>Entries in central directory order.</summary>
    public IReadOnlyList<ZipEntry> Entries { get; }

    /// <summary>Where the central directory starts; every entry's data ends at or before it.</summary>
    public long CentralDirectoryOffset { get; }

    /// <summary>The entry called <paramref name="name"/>, or null.</summary>
    public ZipEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Reads the end-of-central-directory record (zip64 aware) and the central directory.</summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.ZipNotAnArchive"/> or <see cref="FormatErrorKind.ZipCorrupt"/>.</exception>
    public static ZipDirectory Read(IByteReader reader)
    {
        long eocdPosition = FindEndOfCentralDirectory(reader, out byte[] eocd);
        ushort disk = BinaryPrimitives.ReadUInt16LittleEndian(eocd.AsSpan(EocdDiskNumber));
        ushort cdDisk = BinaryPrimitives.ReadUInt16LittleEndian(eocd.AsSpan(EocdCentralDirectoryDisk));
        ushort entriesOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(eocd.AsSpan(EocdEntriesOnDisk));
        long totalEntries = BinaryPrimitives.ReadUInt16LittleEndian(eocd.AsSpan(EocdTotalEntries));
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(eocd.AsSpan(EocdCentralDirectorySize));
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(eocd.AsSpan(EocdCentralDirectoryOffset));
        long directoryEnd = eocdPosition;

        bool hasLocator = eocdPosition >= Zip64LocatorSize
            && ReadUInt32At(reader, eocdPosition - Zip64LocatorSize) == Zip64LocatorSignature;
        bool needsZip64 = disk == Zip64Marker16 || cdDisk == Zip64Marker16 || entriesOnDisk == Zip64Marker16
            || totalEntries == Zip64Marker16 || cdSize == Zip64Marker32 || cdOffset == Zip64Marker32;
        if (hasLocator)
        {
            directoryEnd = ReadZip64End(reader, eocdPosition - Zip64LocatorSize, out totalEntries, out cdSize, out cdOffset);
        }
        else if (needsZip64)
        {
            throw Corrupt(reader, eocdPosition, "the end-of-central-directory record defers to zip64 but there is no zip64 locator before it");
        }
        else if (disk != 0 || cdDisk != 0 || entriesOnDisk != totalEntries)
        {
            throw Corrupt(reader, eocdPosition, $"multi-disk archives are not supported (disk {disk}, central directory on disk {cdDisk})");
        }

        if (cdOffset < 0 || cdSize < 0 || cdOffset > directoryEnd || cdSize > directoryEnd - cdOffset)
            throw Corrupt(reader, eocdPosition,
                $"central directory at {cdOffset} of {cdSize} bytes does not end before its end record at {directoryEnd}");
        if (cdSize > MaxCentralDirectorySize)
            throw Corrupt(reader, cdOffset, $"central directory of {cdSize} bytes exceeds the {MaxCentralDirectorySize}-byte cap");
        if (totalEntries < 0 || totalEntries > cdSize / CentralHeaderSize)
            throw Corrupt(reader, eocdPosition, $"{totalEntries} entries cannot fit in a central directory of {cdSize} bytes");

        byte[] cd = new byte[cdSize];
        reader.ReadExactly(cdOffset, cd);
        return ParseCentralDirectory(reader, cd, cdOffset, (int)totalEntries);
    }

    /// <summary>
    /// Absolute offset of <paramref name="entry"/>'s data, from its local header (its extra field may differ from the
    /// central one: torch pads it to align data). The entry must be stored.
    /// </summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.ZipCompressedEntry"/> or <see cref="FormatErrorKind.ZipCorrupt"/>.</exception>
    public long GetStoredDataOffset(ZipEntry entry)
    {
        if (entry.Method != MethodStored || (entry.Flags & FlagEncrypted) != 0)
            throw new CheckpointFormatException(FormatErrorKind.ZipCompressedEntry,
                $"zip entry '{entry.Name}' uses compression method {entry.Method}{((entry.Flags & FlagEncrypted) != 0 ? " with encryption" : "")}; expected 0 (stored), as torch.save writes",
                _reader.FilePath, byteOffset: entry.LocalHeaderOffset);
        if (entry.CompressedSize != entry.UncompressedSize)
            throw Corrupt(_reader, entry.LocalHeaderOffset,
                $"stored zip entry '{entry.Name}' has compressed size {entry.CompressedSize} but uncompressed size {entry.UncompressedSize}");

        Span<byte> header = stackalloc byte[LocalHeaderSize];
        _reader.ReadExactly(entry.LocalHeaderOffset, header);
        uint signature = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (signature != LocalHeaderSignature)
            throw Corrupt(_reader, entry.LocalHeaderOffset,
                $"expected a local file header signature 0x{LocalHeaderSignature:x8} for '{entry.Name}', found 0x{signature:x8}");
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(header[LocalMethod..]);
        if (method != entry.Method)
            throw Corrupt(_reader, entry.LocalHeaderOffset,
                $"local header of '{entry.Name}' says compression method {method}, the central directory {entry.Method}");
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[LocalNameLength..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[LocalExtraLength..]);
        long dataOffset = entry.LocalHeaderOffset + LocalHeaderSize + nameLength + extraLength;
        if (dataOffset > CentralDirectoryOffset || entry.CompressedSize > CentralDirectoryOffset - dataOffset)
            throw Corrupt(_reader, entry.LocalHeaderOffset,
                $"data of '{entry.Name}' ({entry.CompressedSize} bytes at {dataOffset}) runs into the central directory at {CentralDirectoryOffset}");
        return dataOffset;
    }

    private static long FindEndOfCentralDirectory(IByteReader reader, out byte[] eocd)
    {
        if (reader.Length < EndOfCentralDirectorySize)
            throw new CheckpointFormatException(FormatErrorKind.ZipNotAnArchive,
                $"file of {reader.Length} bytes is too short for a zip end-of-central-directory record ({EndOfCentralDirectorySize} bytes)",
                reader.FilePath);

        // Usual case (torch writes no comment): the record is the last 22 bytes. Trying that first keeps the search
        // from reading (and a hashing reader from seeing) tensor bytes near the end of the file.
        eocd = new byte[EndOfCentralDirectorySize];
        long last = reader.Length - EndOfCentralDirectorySize;
        reader.ReadExactly(last, eocd);
        if (BinaryPrimitives.ReadUInt32LittleEndian(eocd) == EndOfCentralDirectorySignature
            && BinaryPrimitives.ReadUInt16LittleEndian(eocd.AsSpan(EocdCommentLength)) == 0)
            return last;

        // Otherwise the record is followed by a comment of at most 64 KiB; search backwards from the end.
        int tailLength = (int)Math.Min(reader.Length, EndOfCentralDirectorySize + MaxCommentLength);
        long tailStart = reader.Length - tailLength;
        byte[] tail = new byte[tailLength];
        reader.ReadExactly(tailStart, tail);
        for (int i = tailLength - EndOfCentralDirectorySize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndOfCentralDirectorySignature) continue;
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + EocdCommentLength));
            if (i + EndOfCentralDirectorySize + commentLength > tailLength) continue;
            eocd = tail.AsSpan(i, EndOfCentralDirectorySize).ToArray();
            return tailStart + i;
        }

        throw new CheckpointFormatException(FormatErrorKind.ZipNotAnArchive,
            "no zip end-of-central-directory record in the last 64 KiB: not a zip archive, or truncated", reader.FilePath);
    }

    private static long ReadZip64End(IByteReader reader, long locatorPosition, out long totalEntries, out long cdSize, out long cdOffset)
    {
        Span<byte> locator = stackalloc byte[Zip64LocatorSize];
        reader.ReadExactly(locatorPosition, locator);
        uint eocdDisk = BinaryPrimitives.ReadUInt32LittleEndian(locator[Zip64LocatorDisk..]);
        ulong eocdOffset = BinaryPrimitives.ReadUInt64LittleEndian(locator[Zip64LocatorOffset..]);
        uint totalDisks = BinaryPrimitives.ReadUInt32LittleEndian(locator[Zip64LocatorTotalDisks..]);
        if (eocdDisk != 0 || totalDisks > 1)
            throw Corrupt(reader, locatorPosition, $"multi-disk archives are not supported (zip64 record on disk {eocdDisk} of {totalDisks})");
        // (A locator closer to the start than one record would make the subtraction negative, i.e. a huge ulong.)
        if (locatorPosition < Zip64EndOfCentralDirectorySize || eocdOffset > (ulong)(locatorPosition - Zip64EndOfCentralDirectorySize))
            throw Corrupt(reader, locatorPosition,
                $"zip64 end-of-central-directory offset {eocdOffset} does not leave room for its {Zip64EndOfCentralDirectorySize} bytes before the locator at {locatorPosition}");

        long position = (long)eocdOffset;
        Span<byte> record = stackalloc byte[Zip64EndOfCentralDirectorySize];
        reader.ReadExactly(position, record);
        uint signature = BinaryPrimitives.ReadUInt32LittleEndian(record);
        if (signature != Zip64EndOfCentralDirectorySignature)
            throw Corrupt(reader, position, $"expected the zip64 end-of-central-directory signature 0x{Zip64EndOfCentralDirectorySignature:x8}, found 0x{signature:x8}");
        uint disk = BinaryPrimitives.ReadUInt32LittleEndian(record[Eocd64DiskNumber..]);
        uint cdDisk = BinaryPrimitives.ReadUInt32LittleEndian(record[Eocd64CentralDirectoryDisk..]);
        if (disk != 0 || cdDisk != 0)
            throw Corrupt(reader, position, $"multi-disk archives are not supported (disk {disk}, central directory on disk {cdDisk})");
        totalEntries = ToLong(reader, position, BinaryPrimitives.ReadUInt64LittleEndian(record[Eocd64TotalEntries..]), "entry count");
        cdSize = ToLong(reader, position, BinaryPrimitives.ReadUInt64LittleEndian(record[Eocd64CentralDirectorySize..]), "central directory size");
        cdOffset = ToLong(reader, position, BinaryPrimitives.ReadUInt64LittleEndian(record[Eocd64CentralDirectoryOffset..]), "central directory offset");
        return position;
    }

    private static ZipDirectory ParseCentralDirectory(IByteReader reader, byte[] cd, long cdOffset, int count)
    {
        var entries = new List<ZipEntry>(count);
        var byName = new Dictionary<string, ZipEntry>(count, StringComparer.Ordinal);
        int pos = 0;
        for (int n = 0; n < count; n++)
        {
            long at = cdOffset + pos;
            if (cd.Length - pos < CentralHeaderSize)
                throw Corrupt(reader, at, $"central directory ends inside the header of entry {n} of {count}");
            ReadOnlySpan<byte> h = cd.AsSpan(pos, CentralHeaderSize);
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(h);
            if (signature != CentralHeaderSignature)
                throw Corrupt(reader, at, $"expected a central directory header signature 0x{CentralHeaderSignature:x8}, found 0x{signature:x8}");
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralFlags..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralMethod..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[CentralCompressedSize..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(h[CentralUncompressedSize..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralNameLength..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralExtraLength..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralCommentLength..]);
            long diskStart = BinaryPrimitives.ReadUInt16LittleEndian(h[CentralDiskStart..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[CentralLocalHeaderOffset..]);
            int variableLength = nameLength + extraLength + commentLength;
            if (cd.Length - pos - CentralHeaderSize < variableLength)
                throw Corrupt(reader, at, $"name, extra field and comment ({variableLength} bytes) of entry {n} run past the central directory");

            string name = Encoding.UTF8.GetString(cd, pos + CentralHeaderSize, nameLength);
            ReadOnlySpan<byte> extra = cd.AsSpan(pos + CentralHeaderSize + nameLength, extraLength);
            ApplyZip64Extra(reader, at, name, extra, ref uncompressed, ref compressed, ref localOffset, ref diskStart);

            if (diskStart != 0)
                throw Corrupt(reader, at, $"entry '{name}' starts on disk {diskStart}; multi-disk archives are not supported");
            if (localOffset > cdOffset - LocalHeaderSize)
                throw Corrupt(reader, at, $"local header of '{name}' at {localOffset} does not lie before the central directory at {cdOffset}");
            var entry = new ZipEntry(name, method, flags, compressed, uncompressed, localOffset);
            if (!byName.TryAdd(name, entry))
                throw Corrupt(reader, at, $"the archive has two entries named '{name}'");
            entries.Add(entry);
            pos += CentralHeaderSize + variableLength;
        }

        return new ZipDirectory(reader, entries, byName, cdOffset);
    }

    // The zip64 block holds, in this order, only the fields whose 32/16-bit value is the marker.
    private static void ApplyZip64Extra(IByteReader reader, long at, string name, ReadOnlySpan<byte> extra,
        ref long uncompressed, ref long compressed, ref long localOffset, ref long diskStart)
    {
        bool wantUncompressed = uncompressed == Zip64Marker32, wantCompressed = compressed == Zip64Marker32;
        bool wantOffset = localOffset == Zip64Marker32, wantDisk = diskStart == Zip64Marker16;
        if (!(wantUncompressed || wantCompressed || wantOffset || wantDisk)) return;

        while (extra.Length >= ExtraBlockHeaderSize)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (extra.Length - ExtraBlockHeaderSize < size)
                throw Corrupt(reader, at, $"extra field block 0x{id:x4} of '{name}' declares {size} bytes but {extra.Length - ExtraBlockHeaderSize} remain");
            ReadOnlySpan<byte> data = extra.Slice(ExtraBlockHeaderSize, size);
            if (id == Zip64ExtraId)
            {
                if (wantUncompressed) uncompressed = TakeUInt64(reader, at, name, ref data);
                if (wantCompressed) compressed = TakeUInt64(reader, at, name, ref data);
                if (wantOffset) localOffset = TakeUInt64(reader, at, name, ref data);
                if (wantDisk)
                {
                    if (data.Length < sizeof(uint)) throw Corrupt(reader, at, $"zip64 extra field of '{name}' lacks the disk number");
                    diskStart = BinaryPrimitives.ReadUInt32LittleEndian(data);
                }
                return;
            }
            extra = extra[(ExtraBlockHeaderSize + size)..];
        }

        throw Corrupt(reader, at, $"entry '{name}' has 32-bit fields set to 0xFFFFFFFF but no zip64 extra field");
    }

    private static long TakeUInt64(IByteReader reader, long at, string name, ref ReadOnlySpan<byte> data)
    {
        if (data.Length < sizeof(ulong)) throw Corrupt(reader, at, $"zip64 extra field of '{name}' is too short");
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(data);
        data = data[sizeof(ulong)..];
        return ToLong(reader, at, value, $"zip64 size or offset of '{name}'");
    }

    private static long ToLong(IByteReader reader, long at, ulong value, string what) =>
        value <= (ulong)reader.Length ? (long)value
            : throw Corrupt(reader, at, $"{what} {value} exceeds the file length {reader.Length}");

    private static uint ReadUInt32At(IByteReader reader, long offset)
    {
        Span<byte> b = stackalloc byte[sizeof(uint)];
        reader.ReadExactly(offset, b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    private static CheckpointFormatException Corrupt(IByteReader reader, long offset, string message) =>
        new(FormatErrorKind.ZipCorrupt, message, reader.FilePath, byteOffset: offset);
}
