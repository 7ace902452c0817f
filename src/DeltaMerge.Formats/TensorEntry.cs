namespace DeltaMerge.Formats;

/// <summary>
/// Where one tensor's dense, row-major, little-endian bytes lie: <see cref="ByteLength"/> bytes at
/// <see cref="Offset"/> of <see cref="FilePath"/>. Produced by every reader, so the merge never cares which format it came from.
/// </summary>
/// <param name="Name">The tensor's name as the checkpoint stores it.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="FilePath">The file holding the bytes.</param>
/// <param name="Offset">Absolute byte offset of the first element in <paramref name="FilePath"/>.</param>
/// <param name="ByteLength">Number of bytes (elements x element size).</param>
public sealed record TensorEntry(string Name, DType DType, long[] Shape, string FilePath, long Offset, long ByteLength)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => DTypeInfo.ElementCount(Shape);

    /// <summary>The shape written as <c>[a, b]</c>, for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[a, b]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
