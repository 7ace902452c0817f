using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// LlamaRMSNorm: statistics in float32 whatever the compute type, <c>weight * (x / sqrt(mean(x²) + eps))</c>, the
/// normalized value cast back to the input type before the multiply, as transformers does.
/// </summary>
internal sealed class RmsNorm : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint key
    private readonly Parameter weight;
#pragma warning restore IDE1006
    private readonly double _eps;

    public RmsNorm(string name, long hidden, double eps, torch.ScalarType dtype, torch.Device device) : base(name)
    {
        weight = Weights.Empty([hidden], dtype, device);
        _eps = eps;
        RegisterComponents();
    }

    public torch.Tensor Forward(torch.Tensor x)
    {
        using var x32 = x.to(torch.ScalarType.Float32);
        using var squared = x32.pow(2);
        using var variance = squared.mean([-1L], keepdim: true);
        using var shifted = variance + _eps;
        using var inverse = shifted.rsqrt();
        using var normalized = x32 * inverse;
        using var back = normalized.to(x.dtype);
        using var w = Weights.As(weight, x.dtype);
        return w * back;
    }
}
