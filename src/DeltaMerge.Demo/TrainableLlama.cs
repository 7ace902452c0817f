using DeltaMerge.Formats.Naming;
using TorchSharp;
using static TorchSharp.torch;

namespace DeltaMerge.Demo;

/// <summary>
/// The LLaMA forward pass written with plain differentiable TorchSharp operations, for fine-tuning: the same
/// computation as the runtime's modules (RMSNorm with float32 statistics, rotary embeddings in the Hugging Face
/// half-split layout, causal attention with a float32 softmax, SwiGLU MLP, untied lm_head), over a batch of
/// right-padded sequences. Weights are float32 tensors keyed by their checkpoint names.
/// </summary>
internal sealed class TrainableLlama : IDisposable
{
    private const double RmsNormEps = 1e-6, RopeTheta = 10000.0;
    private readonly SyntheticLlama.Shape _shape;
    private readonly Tensor _cos, _sin; // [maxLength, headDim]

    public TrainableLlama(SyntheticLlama.Shape shape, long maxLength)
    {
        _shape = shape;
        long headDim = shape.Hidden / shape.Heads;
        using var scope = NewDisposeScope();
        // As the runtime's RotaryEmbedding: inv_freq = 1 / theta ** (arange(0, d, 2) / d), all float32.
        var exponents = arange(0, headDim, 2, ScalarType.Int64).to(ScalarType.Float32) / headDim;
        var invFreq = full_like(exponents, RopeTheta).pow(exponents).reciprocal();
        var positions = arange(0, maxLength, 1, ScalarType.Int64).to(ScalarType.Float32);
        var freqs = positions.unsqueeze(1) * invFreq.unsqueeze(0);
        var angles = cat([freqs, freqs], -1);
        _cos = angles.cos().MoveToOuterDisposeScope();
        _sin = angles.sin().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits [N, vocab] at the N positions (<paramref name="rows"/>[i], <paramref name="columns"/>[i]) of
    /// <paramref name="ids"/> [B, T] (int64) under <paramref name="w"/>: only the positions the loss needs go through lm_head.
    /// </summary>
    public Tensor Logits(IReadOnlyDictionary<string, Tensor> w, Tensor ids, Tensor rows, Tensor columns)
    {
        var hidden = Hidden(w, ids).index([rows, columns]);
        return nn.functional.linear(RmsNorm(hidden, w[LlamaTensorNames.FinalNorm]), w[LlamaTensorNames.LmHead]);
    }

    /// <summary>The last decoder layer's output [B, T, hidden] for <paramref name="ids"/> [B, T].</summary>
    private Tensor Hidden(IReadOnlyDictionary<string, Tensor> w, Tensor ids)
    {
        long batch = ids.shape[0], length = ids.shape[1];
        var x = w[LlamaTensorNames.EmbedTokens].index_select(0, ids.flatten()).view(batch, length, _shape.Hidden);
        using var mask = full([length, length], float.MinValue, ScalarType.Float32).triu(1);
        for (int layer = 0; layer < _shape.Layers; layer++)
        {
            string p = $"model.layers.{layer}.";
            var h = RmsNorm(x, w[p + "input_layernorm.weight"]);
            x = x + Attention(h, w, p, mask);
            h = RmsNorm(x, w[p + "post_attention_layernorm.weight"]);
            var gate = nn.functional.silu(nn.functional.linear(h, w[p + "mlp.gate_proj.weight"]));
            var up = nn.functional.linear(h, w[p + "mlp.up_proj.weight"]);
            x = x + nn.functional.linear(gate * up, w[p + "mlp.down_proj.weight"]);
        }
        return x;
    }

    private static Tensor RmsNorm(Tensor x, Tensor weight) =>
        weight * (x * (x.pow(2).mean([-1L], keepdim: true) + RmsNormEps).rsqrt());

    private Tensor Attention(Tensor x, IReadOnlyDictionary<string, Tensor> w, string p, Tensor mask)
    {
        long batch = x.shape[0], length = x.shape[1], heads = _shape.Heads, headDim = _shape.Hidden / heads;
        Tensor Heads(string name) => nn.functional.linear(x, w[p + name]).view(batch, length, heads, headDim).transpose(1, 2);
        var q = Rotate(Heads("self_attn.q_proj.weight"));
        var k = Rotate(Heads("self_attn.k_proj.weight"));
        var v = Heads("self_attn.v_proj.weight");
        var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(headDim) + mask;
        var context = nn.functional.softmax(scores, -1).matmul(v);               // [B, heads, T, d]
        return nn.functional.linear(context.transpose(1, 2).reshape(batch, length, _shape.Hidden), w[p + "self_attn.o_proj.weight"]);
    }

    /// <summary>rotate_half: dimension i pairs with i + d/2, positions from 0.</summary>
    private Tensor Rotate(Tensor x)
    {
        long length = x.shape[2], half = x.shape[3] / 2;
        var rotated = cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return x * _cos.narrow(0, 0, length) + rotated * _sin.narrow(0, 0, length);
    }

    public void Dispose()
    {
        _cos.Dispose();
        _sin.Dispose();
    }
}
