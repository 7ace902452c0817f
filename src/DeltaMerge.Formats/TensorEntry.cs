using DeltaMerge.Formats.Gather;

namespace DeltaMerge.Formats;

/// <summary>
/// Where one tensor's dense, row-major, little-endian bytes lie: <see cref="ByteLength"/> bytes at
/// <see cref="Offset"/> of <see cref="FilePath"/>, or, when <see cref="Gather"/> is set, row by row wherever it says.
/// Produced by every reader, so the merge never cares which format it came from.
/// </summary>
/// <param name="Name">The tensor's name as the checkpoint stores it (for a Meta checkpoint, the Hugging Face name it maps to).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first (the logical, Hugging Face layout shape for a gathered tensor).</param>
/// <param name="FilePath">The file holding the bytes; for a gathered tensor, the first file the gather reads.</param>
/// <param name="Offset">Absolute byte offset of the first element in <paramref name="FilePath"/>; for a gathered tensor,
/// where its first stored part starts in that file (not necessarily logical row 0).</param>
/// <param name="ByteLength">Number of bytes (elements x element size); for a gathered tensor the logical total, spread over its parts.</param>
public sealed record TensorEntry(string Name, DType DType, long[] Shape, string FilePath, long Offset, long ByteLength)
{
    /// <summary>
    /// Null when the bytes are the contiguous range <see cref="Offset"/>..+<see cref="ByteLength"/>; otherwise where each
    /// logical row lies (permuted rows, model-parallel parts). Its rows and row size agree with <see cref="Shape"/>.
    /// </summary>
    public RowGather? Gather { get; init; }

    /// <summary>Every file the tensor's bytes come from: <see cref="FilePath"/>, or the gather's files.</summary>
    public IReadOnlyList<string> Files => Gather?.Files ?? [FilePath];

    /// <summary>Number of elements.</summary>
    public long ElementCount => DTypeInfo.ElementCount(Shape);

    /// <summary>The shape written as <c>[a, b]</c>, for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[a, b]</c>.</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
