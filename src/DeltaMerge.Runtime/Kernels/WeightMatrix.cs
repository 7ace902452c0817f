namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// A row-major weight matrix [rows = output features, columns = input features] in memory the caller owns (a memory
/// map of the model file, or native memory), read in place. An optional row map makes logical row r read stored row
/// <c>RowMap[r]</c> (GGUF stores q/k rows in llama.cpp's rotary order; the map restores Hugging Face's).
/// </summary>
public readonly unsafe struct WeightMatrix
{
    /// <summary>Q8_0 elements per block.</summary>
    public const int Q8BlockElements = 32;

    /// <summary>Q8_0 bytes per block: an fp16 scale and 32 int8 values.</summary>
    public const int Q8BlockBytes = 34;

    /// <summary>Describes <paramref name="rows"/> × <paramref name="columns"/> elements of <paramref name="type"/> at <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">Q8_0 with columns not a multiple of 32, or a row map of the wrong length or with a row out of range.</exception>
    public WeightMatrix(byte* data, WeightType type, int rows, int columns, int[]? rowMap = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (type == WeightType.Q8_0 && columns % Q8BlockElements != 0)
            throw new ArgumentException($"Q8_0 rows must hold a multiple of {Q8BlockElements} elements, not {columns}.", nameof(columns));
        if (rowMap != null)
        {
            if (rowMap.Length != rows) throw new ArgumentException($"The row map has {rowMap.Length} entries for {rows} rows.", nameof(rowMap));
            foreach (int r in rowMap)
                if ((uint)r >= (uint)rows) throw new ArgumentException($"The row map names row {r} of {rows}.", nameof(rowMap));
        }
        Data = data;
        Type = type;
        Rows = rows;
        Columns = columns;
        RowMap = rowMap;
    }

    /// <summary>First byte of stored row 0.</summary>
    public byte* Data { get; }

    /// <summary>Element storage.</summary>
    public WeightType Type { get; }

    /// <summary>Output features.</summary>
    public int Rows { get; }

    /// <summary>Input features (elements per row).</summary>
    public int Columns { get; }

    /// <summary>Logical row r is stored row RowMap[r]; null: the identity.</summary>
    public int[]? RowMap { get; }

    /// <summary>Bytes of one stored row.</summary>
    public long RowBytes => BytesPerRow(Type, Columns);

    /// <summary>Bytes of the whole matrix.</summary>
    public long ByteLength => RowBytes * Rows;

    /// <summary>The stored bytes of logical row <paramref name="row"/>.</summary>
    public byte* RowPointer(int row) => Data + (RowMap is null ? row : RowMap[row]) * RowBytes;

    /// <summary>Bytes one row of <paramref name="columns"/> elements takes in <paramref name="type"/>.</summary>
    public static long BytesPerRow(WeightType type, long columns) => type switch
    {
        WeightType.F32 => columns * 4,
        WeightType.F16 or WeightType.BF16 => columns * 2,
        WeightType.Q8_0 => columns / Q8BlockElements * Q8BlockBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
