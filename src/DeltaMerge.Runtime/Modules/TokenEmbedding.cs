using DeltaMerge.Runtime.Weights;
using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary><c>embed_tokens</c>: one row of <c>weight</c> [vocab, hidden] per token (a resident weight on the kernel path).</summary>
internal sealed class TokenEmbedding : torch.nn.Module, IResidentWeighted
{
#pragma warning disable IDE1006 // named like the checkpoint key
    private readonly Parameter? weight;
#pragma warning restore IDE1006
    private ResidentWeight? _resident;

    public TokenEmbedding(long vocab, long hidden, torch.ScalarType dtype, torch.Device device, bool resident) : base("embed_tokens")
    {
        WeightShape = [vocab, hidden];
        UsesResidentWeight = resident;
        if (!resident) weight = Weights.Empty(WeightShape, dtype, device);
        RegisterComponents();
    }

    public bool UsesResidentWeight { get; }

    public long[] WeightShape { get; }

    public ResidentWeight? Resident => _resident;

    public void Bind(ResidentWeight weight) => _resident = weight;

    /// <summary>Rows for <paramref name="ids"/> [T] as [T, hidden] in <paramref name="dtype"/>; only the selected rows are converted.</summary>
    public torch.Tensor Forward(long[] ids, torch.Tensor idTensor, torch.ScalarType dtype)
    {
        if (UsesResidentWeight)
            return KernelLinear.Rows(ids, _resident ?? throw new InvalidOperationException("embed_tokens: no weight was loaded."));
        using var rows = weight!.index_select(0, idTensor);
        return rows.to(dtype);
    }
}
