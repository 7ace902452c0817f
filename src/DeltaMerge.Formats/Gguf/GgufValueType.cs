namespace DeltaMerge.Formats.Gguf;

/// <summary>Metadata value types (<c>enum gguf_type</c>); stored as a little-endian u32 before each value.</summary>
public enum GgufValueType
{
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 1,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 2,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 3,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 4,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 5,
    /// <summary>IEEE single.</summary>
    Float32 = 6,
    /// <summary>One byte, 0 is false.</summary>
    Bool = 7,
    /// <summary>u64 length + UTF-8 bytes.</summary>
    String = 8,
    /// <summary>u32 element type + u64 count + elements (arrays of arrays are not used by llama.cpp and not supported here).</summary>
    Array = 9,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 10,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 11,
    /// <summary>IEEE double.</summary>
    Float64 = 12,
}
