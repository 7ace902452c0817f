namespace DeltaMerge.Formats.Gguf;

/// <summary>A validated tensor info of a GGUF file.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Type">Storage type.</param>
/// <param name="Dims">Dimensions as the file stores them, innermost first (GGUF <c>ne[0]</c>, <c>ne[1]</c>, ...).</param>
/// <param name="Offset">Absolute byte offset of the data in the file.</param>
/// <param name="ByteLength">Bytes of data, from <see cref="GgmlTypeInfo"/>.</param>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Dims, long Offset, long ByteLength)
{
    /// <summary>The dimensions in PyTorch / row-major order (outermost first): <see cref="Dims"/> reversed.</summary>
    public long[] Shape => [.. Dims.Reverse()];

    /// <summary>Number of elements.</summary>
    public long ElementCount => DTypeInfo.ElementCount(Dims);

    /// <summary>
    /// The tensor as a format-neutral <see cref="TensorEntry"/> (PyTorch-order shape) when its type is a plain element type
    /// (F32, F16, BF16, F64, I8..I64); null for block-quantized types.
    /// </summary>
    public TensorEntry? ToTensorEntry(string filePath) =>
        GgmlTypeInfo.TryGetDType(Type, out DType dtype) ? new TensorEntry(Name, dtype, Shape, filePath, Offset, ByteLength) : null;
}
