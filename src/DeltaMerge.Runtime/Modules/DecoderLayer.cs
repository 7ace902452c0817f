using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>LlamaDecoderLayer: pre-norm attention and pre-norm MLP, each added to the residual stream.</summary>
internal sealed class DecoderLayer : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint keys
    private readonly RmsNorm input_layernorm;
    private readonly Attention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly Mlp mlp;
#pragma warning restore IDE1006
    private readonly int _index;

    public DecoderLayer(int index, LlamaConfig config, torch.ScalarType dtype, torch.Device device, KernelBackend? backend) : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        _index = index;
        var normType = backend is null ? dtype : torch.ScalarType.Float32;  // kernel path: norms widened once at load
        input_layernorm = new RmsNorm(nameof(input_layernorm), config.HiddenSize, config.RmsNormEps, normType, device);
        self_attn = new Attention(config, dtype, device, backend);
        post_attention_layernorm = new RmsNorm(nameof(post_attention_layernorm), config.HiddenSize, config.RmsNormEps, normType, device);
        mlp = new Mlp(config, dtype, device, backend);
        RegisterComponents();
    }

    public torch.Tensor Forward(torch.Tensor x, RotaryEmbedding rope, KvCache cache)
    {
        using var normed = input_layernorm.Forward(x);
        using var attended = self_attn.Forward(normed, rope, cache, _index);
        using var residual = x + attended;
        using var normed2 = post_attention_layernorm.Forward(residual);
        using var mixed = mlp.Forward(normed2);
        return residual + mixed;
    }

    /// <summary>One new token per sequence (<see cref="Attention.ForwardStep"/>); norms and activations row by row so each
    /// row is computed exactly as in a batch of one.</summary>
    public torch.Tensor ForwardStep(torch.Tensor x, RotaryEmbedding rope, IReadOnlyList<KvCache> caches)
    {
        using var normed = RowWise.Apply(x, input_layernorm.Forward);
        using var attended = self_attn.ForwardStep(normed, rope, caches, _index);
        using var residual = x + attended;
        using var normed2 = RowWise.Apply(residual, post_attention_layernorm.Forward);
        using var mixed = mlp.Forward(normed2, rowByRow: true);
        return residual + mixed;
    }
}
