using DeltaMerge.Runtime.Weights;
using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// A bias-free linear layer (<c>q_proj</c>, <c>gate_proj</c>, <c>lm_head</c>, ...): <c>y = x Wᵀ</c>, W [out, in]. With a
/// <see cref="KernelBackend"/> W stays as stored and the kernels compute in float32; otherwise W is a parameter and
/// libtorch computes in <c>x</c>'s type.
/// </summary>
internal sealed class Projection : torch.nn.Module, IResidentWeighted
{
#pragma warning disable IDE1006 // named like the checkpoint key suffix ".weight"
    private readonly Parameter? weight;
#pragma warning restore IDE1006
    private readonly KernelBackend? _backend;
    private ResidentWeight? _resident;

    public Projection(string name, long inFeatures, long outFeatures, torch.ScalarType dtype, torch.Device device, KernelBackend? backend) : base(name)
    {
        WeightShape = [outFeatures, inFeatures];
        _backend = backend;
        if (backend is null) weight = Weights.Empty(WeightShape, dtype, device);
        RegisterComponents();
    }

    public bool UsesResidentWeight => _backend is not null;

    public long[] WeightShape { get; }

    public ResidentWeight? Resident => _resident;

    public void Bind(ResidentWeight weight) => _resident = weight;

    /// <summary>Applies the layer; on the parameter path in <paramref name="x"/>'s type, weights stored narrower converted for this call only.</summary>
    public torch.Tensor Forward(torch.Tensor x)
    {
        if (_backend is not null) return KernelLinear.Forward(x, _resident ?? throw Unbound(), _backend);
        using var w = Weights.As(weight!, x.dtype);
        return torch.nn.functional.linear(x, w);
    }

    private InvalidOperationException Unbound() => new($"{GetName()}: no weight was loaded.");
}
