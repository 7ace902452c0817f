namespace DeltaMerge.Formats.Naming;

/// <summary>
/// The row permutation of q_proj / k_proj weights between the Hugging Face rotary layout and llama.cpp's, as
/// <c>convert_hf_to_gguf.py</c>'s <c>LlamaModel.permute(w, n_head, n_head_kv)</c>:
/// <c>w.reshape(n_head, 2, rows / n_head / 2, cols).swapaxes(1, 2).reshape(rows, cols)</c>, where for k the head count
/// is <c>n_head_kv</c> when it differs. Exposed as a row-index map so a streaming caller can copy rows in place order
/// without extra buffers: output row <c>r</c> is input row <see cref="SourceRowFor"/>(r).
/// </summary>
public sealed class LlamaRotaryPermutation
{
    private readonly int _half; // rows / heads / 2: half a head's rows

    private LlamaRotaryPermutation(int rows, int heads, bool inverse)
    {
        if (heads <= 0) throw new ArgumentOutOfRangeException(nameof(heads), heads, "The head count must be positive.");
        if (rows <= 0 || rows % (2 * heads) != 0)
            throw new ArgumentException($"{rows} rows do not split into {heads} heads of an even number of rows.", nameof(rows));
        Rows = rows;
        Heads = heads;
        IsInverse = inverse;
        _half = rows / heads / 2;
    }

    /// <summary>Number of rows (output features) of the weight.</summary>
    public int Rows { get; }

    /// <summary>The head count the rows are split by.</summary>
    public int Heads { get; }

    /// <summary>True for llama.cpp → Hugging Face (the inverse of <c>permute</c>).</summary>
    public bool IsInverse { get; }

    /// <summary>Hugging Face → llama.cpp for <c>q_proj</c> (<c>permute(w, n_head, n_head)</c>).</summary>
    public static LlamaRotaryPermutation ForQuery(int rows, int nHead) => new(rows, nHead, inverse: false);

    /// <summary>Hugging Face → llama.cpp for <c>k_proj</c> (<c>permute(w, n_head, n_head_kv)</c>: splits by <paramref name="nHeadKv"/> when it differs).</summary>
    public static LlamaRotaryPermutation ForKey(int rows, int nHead, int nHeadKv) => new(rows, nHeadKv != nHead ? nHeadKv : nHead, inverse: false);

    /// <summary>The permutation that undoes this one.</summary>
    public LlamaRotaryPermutation Inverse => new(Rows, Heads, !IsInverse);

    /// <summary>The input row that output row <paramref name="destRow"/> comes from.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The row is outside the weight.</exception>
    public int SourceRowFor(int destRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(destRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(destRow, Rows);
        int headRows = 2 * _half;
        int head = destRow / headRows, within = destRow % headRows;
        // Forward: output (head, i, j) over shape (half, 2) takes input (head, j, i) over shape (2, half).
        return IsInverse
            ? head * headRows + (within % _half) * 2 + within / _half
            : head * headRows + (within % 2) * _half + within / 2;
    }

    /// <summary>Permutes whole rows of <paramref name="rowBytes"/> bytes each from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Buffer lengths are not <see cref="Rows"/> × <paramref name="rowBytes"/>, or the buffers overlap.</exception>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, int rowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowBytes);
        long expected = (long)Rows * rowBytes;
        if (source.Length != expected || destination.Length != expected)
            throw new ArgumentException($"{Rows} rows of {rowBytes} bytes need {expected}-byte buffers, got {source.Length} and {destination.Length}.");
        if (source.Overlaps(destination)) throw new ArgumentException("Source and destination must not overlap.", nameof(destination));
        for (int r = 0; r < Rows; r++)
            source.Slice(SourceRowFor(r) * rowBytes, rowBytes).CopyTo(destination.Slice(r * rowBytes, rowBytes));
    }

    /// <summary>Returns a permuted copy of <paramref name="source"/> (rows of <paramref name="rowBytes"/> bytes).</summary>
    public byte[] Apply(ReadOnlySpan<byte> source, int rowBytes)
    {
        var destination = new byte[source.Length];
        Apply(source, destination, rowBytes);
        return destination;
    }
}
