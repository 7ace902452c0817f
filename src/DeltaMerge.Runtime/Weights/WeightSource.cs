using DeltaMerge.Formats;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// One stored weight, read row by row in its Hugging Face layout: a matrix is [rows, row elements], a vector one row.
/// Implementations read straight from the file into the caller's buffer, so loading never holds a whole file.
/// </summary>
internal abstract class WeightSource
{
    private protected WeightSource(string name, long[] shape, DType dtype, string file)
    {
        Name = name;
        Shape = shape;
        DType = dtype;
        FilePath = file;
    }

    /// <summary>Hugging Face name.</summary>
    public string Name { get; }

    /// <summary>Hugging Face (PyTorch-order) shape.</summary>
    public long[] Shape { get; }

    /// <summary>The element type <see cref="ReadRows"/> delivers (F32 for dequantized blocks).</summary>
    public DType DType { get; }

    /// <summary>The file read, for messages.</summary>
    public string FilePath { get; }

    /// <summary>Logical rows: the first dimension of a matrix, 1 for a vector.</summary>
    public long Rows => Shape.Length >= 2 ? Shape[0] : 1;

    /// <summary>Elements of one row.</summary>
    public long RowElements => Rows == 0 ? 0 : DTypeInfo.ElementCount(Shape) / Rows;

    /// <summary>Bytes of one delivered row.</summary>
    public long RowBytes => checked(RowElements * DTypeInfo.SizeOf(DType));

    /// <summary>Fills <paramref name="destination"/> (rows × <see cref="RowBytes"/>) with rows [start, start + rows).</summary>
    public abstract void ReadRows(long start, long rows, Span<byte> destination);

    /// <summary>The weight in memory as stored, for the kernels: in place in <paramref name="maps"/> where the layout allows, else copied.</summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.UnsupportedTensorType"/>: the kernels do not read this type.</exception>
    public abstract ResidentWeight MakeResident(MappedFiles maps);

    /// <summary>Rows and columns as the kernels take them.</summary>
    private protected (int Rows, int Columns) MatrixSize => (checked((int)Rows), checked((int)RowElements));
}
