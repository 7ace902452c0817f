using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// Rotary position embeddings in the Hugging Face half-split layout: dimension i pairs with i + d/2
/// (<c>rotate_half</c>), angles <c>pos · theta^(-2i/d)</c> in float32 as transformers computes them. The cos/sin
/// tables for every position are computed once; nothing here is a checkpoint weight.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly torch.Tensor _cos; // [maxPositions, headDim], float32
    private readonly torch.Tensor _sin;

    public RotaryEmbedding(int headDim, double theta, int maxPositions, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        // inv_freq = 1 / theta ** (arange(0, d, 2).float() / d), all float32 like the reference.
        var exponents = torch.arange(0, headDim, 2, torch.ScalarType.Int64).to(torch.ScalarType.Float32) / headDim;
        var bases = torch.full_like(exponents, theta);
        var invFreq = bases.pow(exponents).reciprocal();
        var positions = torch.arange(0, maxPositions, 1, torch.ScalarType.Int64).to(torch.ScalarType.Float32);
        var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);
        var angles = torch.cat([freqs, freqs], -1);
        _cos = angles.cos().to(device).MoveToOuterDisposeScope();
        _sin = angles.sin().to(device).MoveToOuterDisposeScope();
    }

    /// <summary>Rotates <paramref name="x"/> [heads, T, d] whose first row is position <paramref name="start"/>.</summary>
    public torch.Tensor Apply(torch.Tensor x, long start)
    {
        long t = x.shape[1], half = x.shape[2] / 2;
        using var cos32 = _cos.narrow(0, start, t);
        using var sin32 = _sin.narrow(0, start, t);
        using var cos = cos32.to(x.dtype);
        using var sin = sin32.to(x.dtype);
        using var first = x.narrow(-1, 0, half);
        using var second = x.narrow(-1, half, half);
        using var negSecond = second.neg();
        using var rotated = torch.cat([negSecond, first], -1);
        using var a = x * cos;
        using var b = rotated * sin;
        return a + b;
    }

    public void Dispose()
    {
        _cos.Dispose();
        _sin.Dispose();
    }
}
