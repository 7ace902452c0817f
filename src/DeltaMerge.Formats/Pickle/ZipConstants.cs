namespace DeltaMerge.Formats.Pickle;

/// <summary>Wire constants of the zip format (APPNOTE.TXT) that <see cref="ZipDirectory"/> reads.</summary>
internal static class ZipConstants
{
    public const uint LocalHeaderSignature = 0x04034b50;
    public const uint CentralHeaderSignature = 0x02014b50;
    public const uint EndOfCentralDirectorySignature = 0x06054b50;
    public const uint Zip64EndOfCentralDirectorySignature = 0x06064b50;
    public const uint Zip64LocatorSignature = 0x07064b50;

    public const int LocalHeaderSize = 30;
    public const int CentralHeaderSize = 46;
    public const int EndOfCentralDirectorySize = 22;
    public const int Zip64LocatorSize = 20;
    public const int Zip64EndOfCentralDirectorySize = 56;
    public const int MaxCommentLength = ushort.MaxValue;

    // Field offsets inside the end-of-central-directory record.
    public const int EocdDiskNumber = 4;
    public const int EocdCentralDirectoryDisk = 6;
    public const int EocdEntriesOnDisk = 8;
    public const int EocdTotalEntries = 10;
    public const int EocdCentralDirectorySize = 12;
    public const int EocdCentralDirectoryOffset = 16;
    public const int EocdCommentLength = 20;

    // Field offsets inside the zip64 locator and zip64 end-of-central-directory record.
    public const int Zip64LocatorDisk = 4;
    public const int Zip64LocatorOffset = 8;
    public const int Zip64LocatorTotalDisks = 16;
    public const int Eocd64DiskNumber = 16;
    public const int Eocd64CentralDirectoryDisk = 20;
    public const int Eocd64TotalEntries = 32;
    public const int Eocd64CentralDirectorySize = 40;
    public const int Eocd64CentralDirectoryOffset = 48;

    // Field offsets inside a central directory header.
    public const int CentralFlags = 8;
    public const int CentralMethod = 10;
    public const int CentralCompressedSize = 20;
    public const int CentralUncompressedSize = 24;
    public const int CentralNameLength = 28;
    public const int CentralExtraLength = 30;
    public const int CentralCommentLength = 32;
    public const int CentralDiskStart = 34;
    public const int CentralLocalHeaderOffset = 42;

    // Field offsets inside a local file header.
    public const int LocalMethod = 8;
    public const int LocalNameLength = 26;
    public const int LocalExtraLength = 28;

    /// <summary>Extra-field id of the zip64 extended information block.</summary>
    public const ushort Zip64ExtraId = 0x0001;
    public const int ExtraBlockHeaderSize = 4;

    /// <summary>A 32-bit size or offset with this value is in the zip64 extra field instead.</summary>
    public const uint Zip64Marker32 = 0xFFFFFFFF;
    public const ushort Zip64Marker16 = 0xFFFF;

    /// <summary>General purpose flag bit 0: the entry is encrypted.</summary>
    public const ushort FlagEncrypted = 0x0001;

    /// <summary>Compression method 0: the data is stored as is.</summary>
    public const ushort MethodStored = 0;

    /// <summary>Caps the central directory we read into memory (about 600,000 entries of torch.save names).</summary>
    public const long MaxCentralDirectorySize = 64L << 20;
}
