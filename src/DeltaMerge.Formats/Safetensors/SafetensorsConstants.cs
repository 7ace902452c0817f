namespace DeltaMerge.Formats.Safetensors;

/// <summary>Every wire fact of the safetensors format: <c>[u64 LE n][n bytes of JSON header][data]</c>.</summary>
public static class SafetensorsConstants
{
    /// <summary>Size of the little-endian u64 that gives the header length.</summary>
    public const int HeaderLengthPrefixSize = 8;

    /// <summary>Largest header accepted (100 MB), the same cap as the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The writer pads the header so that the data starts at a multiple of this.</summary>
    public const int HeaderAlignment = 8;

    /// <summary>Padding byte after the JSON header (a space, which JSON ignores).</summary>
    public const byte HeaderPadding = (byte)' ';

    /// <summary>Header key of the optional string→string metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Entry key of the dtype string.</summary>
    public const string DTypeKey = "dtype";

    /// <summary>Entry key of the shape array.</summary>
    public const string ShapeKey = "shape";

    /// <summary>Entry key of the <c>[begin, end)</c> offsets relative to the start of the data.</summary>
    public const string DataOffsetsKey = "data_offsets";

    /// <summary>Number of values in <c>data_offsets</c>.</summary>
    public const int DataOffsetsCount = 2;
}
