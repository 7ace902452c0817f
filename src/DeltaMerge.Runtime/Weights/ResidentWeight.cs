using System.Runtime.InteropServices;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// A weight held in memory exactly as stored, for the kernels: a view of a mapped model file, or native memory filled
/// from the file where the stored layout cannot be used in place (rows gathered from Meta's model-parallel parts).
/// </summary>
internal sealed unsafe class ResidentWeight : IDisposable
{
    private byte* _owned;

    private ResidentWeight(string name, WeightMatrix matrix, byte* owned)
    {
        Name = name;
        Matrix = matrix;
        _owned = owned;
    }

    /// <summary>Hugging Face name.</summary>
    public string Name { get; }

    /// <summary>The matrix [out, in] (a vector is one row).</summary>
    public WeightMatrix Matrix { get; }

    /// <summary>A weight read in place from a mapping (which outlives it).</summary>
    public static ResidentWeight InPlace(string name, WeightMatrix matrix) => new(name, matrix, null);

    /// <summary>A copy of <paramref name="source"/> (delivered as <paramref name="type"/>) in native memory, read in row chunks.</summary>
    public static ResidentWeight Copied(WeightSource source, WeightType type)
    {
        int rows = checked((int)source.Rows), columns = checked((int)source.RowElements);
        long rowBytes = WeightMatrix.BytesPerRow(type, columns);
        byte* memory = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(rowBytes * rows, 1), 64);
        try
        {
            long chunkRows = Math.Clamp((32L << 20) / Math.Max(rowBytes, 1), 1, Math.Max(rows, 1));
            for (long start = 0; start < rows; start += chunkRows)
            {
                long n = Math.Min(chunkRows, rows - start);
                source.ReadRows(start, n, new Span<byte>(memory + start * rowBytes, checked((int)(n * rowBytes))));
            }
        }
        catch
        {
            NativeMemory.AlignedFree(memory);
            throw;
        }
        return new ResidentWeight(source.Name, new WeightMatrix(memory, type, rows, columns), memory);
    }

    /// <summary>The stored bytes of logical row <paramref name="row"/>, writable (edits stay in memory: tests zero elements the reference zeroes).</summary>
    public Span<byte> RowBytes(int row) => new(Matrix.RowPointer(row), checked((int)Matrix.RowBytes));

    public void Dispose()
    {
        if (_owned == null) return;
        NativeMemory.AlignedFree(_owned);
        _owned = null;
    }
}
