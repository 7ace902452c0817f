using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>LlamaMLP (<c>mlp</c>), SwiGLU: <c>down_proj(silu(gate_proj(x)) * up_proj(x))</c>.</summary>
internal sealed class Mlp : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint keys
    private readonly Projection gate_proj;
    private readonly Projection up_proj;
    private readonly Projection down_proj;
#pragma warning restore IDE1006

    public Mlp(LlamaConfig config, torch.ScalarType dtype, torch.Device device, KernelBackend? backend) : base("mlp")
    {
        gate_proj = new Projection(nameof(gate_proj), config.HiddenSize, config.IntermediateSize, dtype, device, backend);
        up_proj = new Projection(nameof(up_proj), config.HiddenSize, config.IntermediateSize, dtype, device, backend);
        down_proj = new Projection(nameof(down_proj), config.IntermediateSize, config.HiddenSize, dtype, device, backend);
        RegisterComponents();
    }

    /// <summary>The MLP of <paramref name="x"/> [T, hidden]; <paramref name="rowByRow"/> applies SiLU to one row at a time, so
    /// a row's result does not depend on the other rows (vectorized transcendental kernels may round a row's tail
    /// differently depending on where it falls).</summary>
    public torch.Tensor Forward(torch.Tensor x, bool rowByRow = false)
    {
        using var gate = gate_proj.Forward(x);
        using var activated = rowByRow ? RowWise.Apply(gate, g => torch.nn.functional.silu(g)) : torch.nn.functional.silu(gate);
        using var up = up_proj.Forward(x);
        using var product = activated * up;
        return down_proj.Forward(product);
    }
}
