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
    /// keys/values to it, and returns float32 logits [T, vocab] (or [1, vocab] for the last token only). One token is
    /// a decode step, computed exactly as <see cref="ForwardStep"/> computes each row of a batch.
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.ContextTooLong"/>: the sequence would pass max positions.</exception>
    /// <exception cref="ArgumentException">No tokens, or a token id outside the vocabulary.</exception>
    public torch.Tensor Forward(ReadOnlySpan<int> ids, KvCache cache, bool lastOnly)
    {
        if (ids.IsEmpty) throw new ArgumentException("At least one token is needed.", nameof(ids));
        if (ids.Length == 1) return ForwardStep(ids, [cache]);
        CheckRoom(cache, ids.Length);
        var tokens = TokenIds(ids);

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

    /// <summary>
    /// One decode step for several sequences: token <paramref name="ids"/>[b] continues <paramref name="caches"/>[b].
    /// Returns float32 logits [B, vocab]. The projections read each weight once for all rows; everything else runs
    /// per row, so row b's logits are bit-identical whatever the other rows are.
    /// </summary>
    /// <exception cref="ArgumentException">Counts differ, a cache appears twice, or an id is outside the vocabulary.</exception>
    public torch.Tensor ForwardStep(ReadOnlySpan<int> ids, IReadOnlyList<KvCache> caches)
    {
        if (ids.IsEmpty || ids.Length != caches.Count)
            throw new ArgumentException($"One token per sequence is needed: {ids.Length} tokens for {caches.Count} caches.", nameof(ids));
        if (caches.Distinct().Count() != caches.Count) throw new ArgumentException("A cache appears twice in one step.", nameof(caches));
        foreach (var cache in caches) CheckRoom(cache, 1);
        var tokens = TokenIds(ids);

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var idTensor = torch.tensor(tokens, device: Device);
        var x = embed_tokens.Forward(tokens, idTensor, ComputeDType);
        foreach (var layer in layers)
        {
            using var input = x;
            x = layer.ForwardStep(input, _rope, caches);
        }
        foreach (var cache in caches) cache.Advance(1);
        using var last = x;
        using var normed = RowWise.Apply(last, norm.Forward);
        using var logits = lm_head.Forward(normed);
        return logits.to(torch.ScalarType.Float32).MoveToOuterDisposeScope();
    }

    private void CheckRoom(KvCache cache, int count)
    {
        if ((long)cache.Length + count > Config.MaxPositions)
            throw new ModelLoadException(ModelLoadErrorKind.ContextTooLong,
                $"{cache.Length} cached + {count} new tokens exceed the model's {Config.MaxPositions} positions (max_position_embeddings).");
    }

    private long[] TokenIds(ReadOnlySpan<int> ids)
    {
        var tokens = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)Config.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"Token {i} is outside the vocabulary of {Config.VocabSize}.");
            tokens[i] = ids[i];
        }
        return tokens;
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
