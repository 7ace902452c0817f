using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary>A bias-free linear layer (<c>q_proj</c>, <c>gate_proj</c>, <c>lm_head</c>, ...): <c>y = x Wᵀ</c>, W [out, in].</summary>
internal sealed class Projection : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint key suffix ".weight"
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public Projection(string name, long inFeatures, long outFeatures, torch.ScalarType dtype, torch.Device device) : base(name)
    {
        weight = Weights.Empty([outFeatures, inFeatures], dtype, device);
        RegisterComponents();
    }

    /// <summary>Applies the layer in <paramref name="x"/>'s type; weights stored narrower are converted for this call only.</summary>
    public torch.Tensor Forward(torch.Tensor x)
    {
        using var w = Weights.As(weight, x.dtype);
        return torch.nn.functional.linear(x, w);
    }
}
