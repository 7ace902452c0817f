using TorchSharp;
using DeltaMerge.Runtime.Weights;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// LlamaForCausalLM without batching: token embeddings, the decoder layers, the final norm and the LM head. Parameter
/// names are the checkpoint keys without the <c>model.</c> prefix (<see cref="CheckpointName"/>).
/// </summary>
internal sealed class LlamaModel : torch.nn.Module
{
    private const string ModelPrefix = "model.";
    private const string LmHeadName = "lm_head.weight";

#pragma warning disable IDE1006 // named like the checkpoint keys
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly Projection lm_head;
#pragma warning restore IDE1006
    private readonly RotaryEmbedding _rope;

    /// <summary>The model's modules; with <paramref name="backend"/> (CPU, float32 compute) matrices are resident weights the kernels read as stored.</summary>
    public LlamaModel(LlamaConfig config, torch.ScalarType weightDType, torch.ScalarType computeDType, torch.Device device, KernelBackend? backend) : base("model")
    {
        Config = config;
        ComputeDType = computeDType;
        Device = device;
        Backend = backend;
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, weightDType, device, resident: backend is not null);
        layers = new ModuleList<DecoderLayer>();
        for (int i = 0; i < config.LayerCount; i++) layers.Add(new DecoderLayer(i, config, weightDType, device, backend));
        norm = new RmsNorm(nameof(norm), config.HiddenSize, config.RmsNormEps, backend is null ? weightDType : torch.ScalarType.Float32, device);
        lm_head = new Projection(nameof(lm_head), config.HiddenSize, config.VocabSize, weightDType, device, backend);
        RegisterComponents();
        _rope = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.MaxPositions, device);
    }

    public LlamaConfig Config { get; }

    public torch.ScalarType ComputeDType { get; }

    public torch.Device Device { get; }

    /// <summary>The kernel path's shared state, or null on the libtorch path.</summary>
    public KernelBackend? Backend { get; }

    /// <summary>The kernel path's weights by checkpoint key (tests edit them in memory as they edit parameters).</summary>
    internal IEnumerable<(string Key, ResidentWeight Weight)> ResidentWeights() =>
        named_modules().Where(m => m.module is IResidentWeighted { Resident: not null })
            .Select(m => (CheckpointName(m.name + ".weight"), ((IResidentWeighted)m.module).Resident!));

    /// <summary>The checkpoint key (Hugging Face name) of one of this module's parameters.</summary>
    public static string CheckpointName(string parameterName) =>
        parameterName == LmHeadName ? parameterName : ModelPrefix + parameterName;

    /// <summary>
    /// Runs the tokens <paramref name="ids"/>, which continue the sequence in <paramref name="cache"/>, appends their
    /// keys/values to it, and returns float32 logits [T, vocab] (or [1, vocab] for the last token only).
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.ContextTooLong"/>: the sequence would pass max positions.</exception>
    /// <exception cref="ArgumentException">No tokens, or a token id outside the vocabulary.</exception>
    public torch.Tensor Forward(ReadOnlySpan<int> ids, KvCache cache, bool lastOnly)
    {
        if (ids.IsEmpty) throw new ArgumentException("At least one token is needed.", nameof(ids));
        if ((long)cache.Length + ids.Length > Config.MaxPositions)
            throw new ModelLoadException(ModelLoadErrorKind.ContextTooLong,
                $"{cache.Length} cached + {ids.Length} new tokens exceed the model's {Config.MaxPositions} positions (max_position_embeddings).");
        var tokens = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)Config.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"Token {i} is outside the vocabulary of {Config.VocabSize}.");
            tokens[i] = ids[i];
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // catches anything a module forgets
        using var idTensor = torch.tensor(tokens, device: Device);
        var x = embed_tokens.Forward(tokens, idTensor, ComputeDType);
        foreach (var layer in layers)
        {
            using var input = x;
            x = layer.Forward(input, _rope, cache);
        }
        cache.Advance(ids.Length);
        using var last = x;
        using var selected = lastOnly ? last.narrow(0, ids.Length - 1, 1) : last.alias();
        using var normed = norm.Forward(selected);
        using var logits = lm_head.Forward(normed);
        return logits.to(torch.ScalarType.Float32).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rope.Dispose();
            Backend?.Dispose();
        }
        base.Dispose(disposing);
    }
}
