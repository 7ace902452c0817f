namespace DeltaMerge.Formats.Meta;

/// <summary>
/// The row map of <c>convert_llama_weights_to_hf.py</c>'s <c>permute(w, n_heads, dim1, dim2) =
/// w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)</c>: Meta stores each head's
/// rotary pairs interleaved (rows 2i, 2i+1), Hugging Face stores the first halves then the second halves.
/// </summary>
public static class MetaRotaryPermutation
{
    /// <summary>For each HF row, the Meta row it comes from (<paramref name="rows"/> rows in <paramref name="heads"/> heads).</summary>
    /// <exception cref="ArgumentException">The rows do not split into heads of an even number of rows.</exception>
    public static long[] SourceRows(long rows, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (rows <= 0 || rows % (2L * heads) != 0)
            throw new ArgumentException($"{rows} rows do not split into {heads} heads of an even number of rows.", nameof(rows));
        long half = rows / heads / 2, headRows = 2 * half;
        var map = new long[rows];
        for (long r = 0; r < rows; r++)
        {
            // HF row (head, i, j) over shape (2, half) is Meta row (head, j, i) over shape (half, 2).
            long head = r / headRows, within = r % headRows, i = within / half, j = within % half;
            map[r] = head * headRows + j * 2 + i;
        }
        return map;
    }
}
