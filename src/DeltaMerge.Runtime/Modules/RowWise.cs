using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// Applies an operation to each row of a batch alone. Reductions and vectorized transcendental kernels may round a
/// row differently depending on where it falls in a larger tensor; one row at a time, a row's result is the same in
/// a batch of any size.
/// </summary>
internal static class RowWise
{
    /// <summary><paramref name="op"/> applied to each row of <paramref name="x"/> [B, n] alone, the rows concatenated.</summary>
    public static torch.Tensor Apply(torch.Tensor x, Func<torch.Tensor, torch.Tensor> op)
    {
        if (x.shape[0] == 1) return op(x);
        var rows = new torch.Tensor[x.shape[0]];
        try
        {
            for (int b = 0; b < rows.Length; b++)
            {
                using var row = x.narrow(0, b, 1);
                rows[b] = op(row);
            }
            return torch.cat(rows, 0);
        }
        finally
        {
            foreach (var r in rows) r?.Dispose();
        }
    }
}
