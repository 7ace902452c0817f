using System.Collections.Frozen;

namespace DeltaMerge.Formats;

/// <summary>The one table of element sizes and per-format names; every byte size is computed from here.</summary>
public static class DTypeInfo
{
    private sealed record Row(DType DType, int Size, string SafetensorsName, string? TorchStorage, string TorchName);

    private static readonly Row[] Rows =
    [
        new(DType.Bool, 1, "BOOL", "BoolStorage", "torch.bool"),
        new(DType.U8, 1, "U8", "ByteStorage", "torch.uint8"),
        new(DType.I8, 1, "I8", "CharStorage", "torch.int8"),
        new(DType.I16, 2, "I16", "ShortStorage", "torch.int16"),
        new(DType.U16, 2, "U16", null, "torch.uint16"),
        new(DType.I32, 4, "I32", "IntStorage", "torch.int32"),
        new(DType.U32, 4, "U32", null, "torch.uint32"),
        new(DType.I64, 8, "I64", "LongStorage", "torch.int64"),
        new(DType.U64, 8, "U64", null, "torch.uint64"),
        new(DType.F16, 2, "F16", "HalfStorage", "float16"),
        new(DType.BF16, 2, "BF16", "BFloat16Storage", "bfloat16"),
        new(DType.F32, 4, "F32", "FloatStorage", "float32"),
        new(DType.F64, 8, "F64", "DoubleStorage", "float64"),
    ];

    private static readonly FrozenDictionary<DType, Row> ByDType = Rows.ToFrozenDictionary(r => r.DType);
    private static readonly FrozenDictionary<string, DType> BySafetensorsName = Rows.ToFrozenDictionary(r => r.SafetensorsName, r => r.DType);
    private static readonly FrozenDictionary<string, DType> ByTorchStorage =
        Rows.Where(r => r.TorchStorage != null).ToFrozenDictionary(r => r.TorchStorage!, r => r.DType);

    /// <summary>Bytes per element.</summary>
    public static int SizeOf(DType dtype) => ByDType[dtype].Size;

    /// <summary>The dtype string safetensors headers use (<c>F16</c>, <c>BF16</c>, ...).</summary>
    public static string SafetensorsName(DType dtype) => ByDType[dtype].SafetensorsName;

    /// <summary>The <c>torch_dtype</c> spelling Hugging Face's config.json uses for floating types.</summary>
    public static string ConfigName(DType dtype) => ByDType[dtype].TorchName;

    /// <summary>Parses a safetensors dtype string.</summary>
    public static bool TryParseSafetensors(string name, out DType dtype) => BySafetensorsName.TryGetValue(name, out dtype);

    /// <summary>Maps a legacy torch storage class name (<c>HalfStorage</c>) to its element type.</summary>
    public static bool TryParseTorchStorage(string className, out DType dtype) => ByTorchStorage.TryGetValue(className, out dtype);

    /// <summary>True for the floating-point types a merge can add.</summary>
    public static bool IsFloatingPoint(DType dtype) => dtype is DType.F16 or DType.BF16 or DType.F32 or DType.F64;

    /// <summary>Number of elements of <paramref name="shape"/>, with overflow checked.</summary>
    /// <exception cref="OverflowException">The product does not fit in a <see cref="long"/>.</exception>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape) n = checked(n * d);
        return n;
    }

    /// <summary>Bytes of a dense tensor of <paramref name="shape"/>, with overflow checked.</summary>
    /// <exception cref="OverflowException">The size does not fit in a <see cref="long"/>.</exception>
    public static long ByteSize(DType dtype, ReadOnlySpan<long> shape) => checked(ElementCount(shape) * SizeOf(dtype));
}
