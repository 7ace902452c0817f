using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary><c>embed_tokens</c>: one row of <c>weight</c> [vocab, hidden] per token.</summary>
internal sealed class TokenEmbedding : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint key
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public TokenEmbedding(long vocab, long hidden, torch.ScalarType dtype, torch.Device device) : base("embed_tokens")
    {
        weight = Weights.Empty([vocab, hidden], dtype, device);
        RegisterComponents();
    }

    /// <summary>Rows for <paramref name="ids"/> [T] as [T, hidden] in <paramref name="dtype"/>; only the selected rows are converted.</summary>
    public torch.Tensor Forward(torch.Tensor ids, torch.ScalarType dtype)
    {
        using var rows = weight.index_select(0, ids);
        return rows.to(dtype);
    }
}
