using System.Collections.Frozen;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// The one table of GGML block layouts, (elements per block, bytes per block), as gguf-py's <c>GGML_QUANT_SIZES</c>;
/// every tensor byte size is computed from here.
/// </summary>
public static class GgmlTypeInfo
{
    private const int QK = 32;    // elements per block of the legacy quants (QK4_0, QK8_0, ...)
    private const int QKK = 256;  // elements per super-block of the k-quants (QK_K)

    private sealed record Row(GgmlType Type, int BlockSize, int BytesPerBlock, DType? DenseDType);

    private static readonly Row[] Rows =
    [
        new(GgmlType.F32, 1, 4, DType.F32),
        new(GgmlType.F16, 1, 2, DType.F16),
        new(GgmlType.Q4_0, QK, 2 + 16, null),                   // fp16 scale + 32 nibbles
        new(GgmlType.Q4_1, QK, 2 + 2 + 16, null),
        new(GgmlType.Q5_0, QK, 2 + 4 + 16, null),
        new(GgmlType.Q5_1, QK, 2 + 2 + 4 + 16, null),
        new(GgmlType.Q8_0, QK, 2 + 32, null),                   // fp16 scale + 32 int8
        new(GgmlType.Q8_1, QK, 2 + 2 + 32, null),
        new(GgmlType.Q2_K, QKK, 2 + 2 + QKK / 16 + QKK / 4, null),
        new(GgmlType.Q3_K, QKK, 2 + QKK / 4 + QKK / 8 + 12, null),
        new(GgmlType.Q4_K, QKK, 2 + 2 + QKK / 2 + 12, null),
        new(GgmlType.Q5_K, QKK, 2 + 2 + QKK / 2 + QKK / 8 + 12, null),
        new(GgmlType.Q6_K, QKK, 2 + QKK / 2 + QKK / 4 + QKK / 16, null),
        new(GgmlType.Q8_K, QKK, 4 + QKK + QKK / 8, null),
        new(GgmlType.IQ2_XXS, QKK, 2 + QKK / 4, null),
        new(GgmlType.IQ2_XS, QKK, 2 + QKK / 4 + QKK / 32, null),
        new(GgmlType.IQ3_XXS, QKK, 2 + QKK / 4 + QKK / 8, null),
        new(GgmlType.IQ1_S, QKK, 2 + QKK / 8 + QKK / 16, null),
        new(GgmlType.IQ4_NL, QK, 2 + 16, null),
        new(GgmlType.IQ3_S, QKK, 2 + QKK / 4 + QKK / 8 + QKK / 32 + 4, null),
        new(GgmlType.IQ2_S, QKK, 2 + QKK / 4 + QKK / 16, null),
        new(GgmlType.IQ4_XS, QKK, 2 + 2 + QKK / 2 + QKK / 64, null),
        new(GgmlType.I8, 1, 1, DType.I8),
        new(GgmlType.I16, 1, 2, DType.I16),
        new(GgmlType.I32, 1, 4, DType.I32),
        new(GgmlType.I64, 1, 8, DType.I64),
        new(GgmlType.F64, 1, 8, DType.F64),
        new(GgmlType.IQ1_M, QKK, QKK / 8 + QKK / 16 + QKK / 32, null),
        new(GgmlType.BF16, 1, 2, DType.BF16),
        new(GgmlType.TQ1_0, QKK, 2 + 4 * 13, null),
        new(GgmlType.TQ2_0, QKK, 2 + 64, null),
        new(GgmlType.MXFP4, QK, 1 + 16, null),                  // e8m0 scale + 32 nibbles
    ];

    private static readonly FrozenDictionary<GgmlType, Row> ByType = Rows.ToFrozenDictionary(r => r.Type);

    /// <summary>True when <paramref name="type"/> is a type this table knows (a number llama.cpp defines).</summary>
    public static bool IsKnown(GgmlType type) => ByType.ContainsKey(type);

    /// <summary>Elements per block (1 for plain element types).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown type.</exception>
    public static int BlockSize(GgmlType type) => Get(type).BlockSize;

    /// <summary>Bytes per block.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown type.</exception>
    public static int BytesPerBlock(GgmlType type) => Get(type).BytesPerBlock;

    /// <summary>The dense element type of a plain (non-block) type, such as <see cref="DType.F16"/> for <see cref="GgmlType.F16"/>.</summary>
    public static bool TryGetDType(GgmlType type, out DType dtype)
    {
        if (ByType.TryGetValue(type, out Row? row) && row.DenseDType is { } d)
        {
            dtype = d;
            return true;
        }
        dtype = default;
        return false;
    }

    /// <summary>
    /// Bytes of a tensor of <paramref name="type"/> with <paramref name="elementCount"/> elements (checked arithmetic).
    /// </summary>
    /// <exception cref="ArgumentException">The count is negative or not a multiple of the block size.</exception>
    /// <exception cref="OverflowException">The size does not fit in a <see cref="long"/>.</exception>
    public static long ByteSize(GgmlType type, long elementCount)
    {
        Row row = Get(type);
        if (elementCount < 0) throw new ArgumentException($"Element count {elementCount} is negative.", nameof(elementCount));
        if (elementCount % row.BlockSize != 0)
            throw new ArgumentException($"{type} stores blocks of {row.BlockSize} elements; {elementCount} is not a multiple.", nameof(elementCount));
        return checked(elementCount / row.BlockSize * row.BytesPerBlock);
    }

    /// <summary>Bytes of a tensor of <paramref name="type"/> and <paramref name="shape"/> (any order), checked.</summary>
    /// <exception cref="ArgumentException">A negative dimension, or the count is not a multiple of the block size.</exception>
    /// <exception cref="OverflowException">The size does not fit in a <see cref="long"/>.</exception>
    public static long ByteSize(GgmlType type, ReadOnlySpan<long> shape)
    {
        foreach (long d in shape)
            if (d < 0) throw new ArgumentException($"Dimension {d} is negative.", nameof(shape));
        return ByteSize(type, DTypeInfo.ElementCount(shape));
    }

    /// <summary>The type's name, or <c>type N</c> for a number llama.cpp does not define.</summary>
    public static string Describe(GgmlType type) => IsKnown(type) ? type.ToString() : $"type {(int)type}";

    private static Row Get(GgmlType type) =>
        ByType.TryGetValue(type, out Row? row) ? row : throw new ArgumentOutOfRangeException(nameof(type), (int)type, "Unknown GGML type.");
}
