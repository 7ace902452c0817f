using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Runtime.Kernels;
using DeltaMerge.Runtime.Modules;
using DeltaMerge.Runtime.Weights;
using TorchSharp;

namespace DeltaMerge.Runtime;

/// <summary>
/// A LLaMA model loaded for inference with TorchSharp, computing what transformers' <c>LlamaForCausalLM</c> computes.
/// Works on token ids (tokenize elsewhere). Not thread-safe: one forward at a time.
/// </summary>
public sealed class LlamaRuntime : IDisposable
{
    /// <summary>Rows up to which a projection uses the matrix-vector kernels rather than widening for libtorch's GEMM
    /// (measured crossover, docs/benchmarks.md).</summary>
    public const int DecodeRowLimit = 64;

    private readonly LlamaModel _model;
    private bool _disposed;

    // For library users whose first TorchSharp call is loading a model (the CLI does this at start-up).
    static LlamaRuntime() => OpenMpWaits.PreferPassive();

    private LlamaRuntime(LlamaModel model, ComputeDevice device, RuntimeDType weightDType, RuntimeDType computeDType)
    {
        _model = model;
        Device = device;
        WeightDType = weightDType;
        ComputeDType = computeDType;
    }

    /// <summary>The model's hyperparameters.</summary>
    public LlamaConfig Config => _model.Config;

    /// <summary>Where the model runs.</summary>
    public ComputeDevice Device { get; }

    /// <summary>The type weights are kept in.</summary>
    public RuntimeDType WeightDType { get; }

    /// <summary>The type activations are computed in.</summary>
    public RuntimeDType ComputeDType { get; }

    /// <summary>Whether projections run on the exact CPU kernels with weights as stored (else libtorch modules).</summary>
    public bool UsesKernels => _model.Backend is not null;

    /// <summary>The module tree (internal: tests reach the parameters through it).</summary>
    internal LlamaModel Model => _model;

    /// <summary>
    /// Loads the model at <paramref name="path"/>: a directory (Hugging Face safetensors or <c>.bin</c> shards with
    /// config.json, or Meta's <c>consolidated.NN.pth</c> with params.json) or a <c>.gguf</c> file (F32, F16, BF16, Q8_0).
    /// Weights are streamed one at a time into parameters allocated once.
    /// </summary>
    /// <exception cref="ModelLoadException">The path, config or weights do not make a supported LLaMA; <see cref="ModelLoadException.Kind"/> says why.</exception>
    /// <exception cref="CheckpointFormatException">A weight file is malformed.</exception>
    /// <exception cref="DeviceUnavailableException">The requested device cannot be used.</exception>
    public static LlamaRuntime Load(string path, RuntimeOptions? options = null)
    {
        using var catalog = WeightCatalog.Open(path);
        return FromCatalog(catalog, options);
    }

    /// <summary>Loads the model of an opened catalog (its readers are the caller's to dispose).</summary>
    internal static LlamaRuntime FromCatalog(WeightCatalog catalog, RuntimeOptions? options)
    {
        options ??= new RuntimeOptions();
        var device = ComputeDevice.Resolve(options.Device);
        RuntimeDType compute = options.ComputeDType ?? (device.IsCuda ? RuntimeDType.Float16 : RuntimeDType.Float32);
        RuntimeDType weights = options.WeightDType ?? compute;
        int threads = options.Threads ?? KernelPool.DefaultThreads;
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(options.Threads));
        if (options.Threads is not null) torch.set_num_threads(threads);
        RefuseConfigBeyondWeights(catalog);
        // Float32 on the CPU: the exact kernel path on weights as stored; otherwise libtorch modules in the compute type.
        var backend = !device.IsCuda && compute == RuntimeDType.Float32 ? new KernelBackend(threads, options.DecodeRowLimit ?? DecodeRowLimit) : null;
        LlamaModel model;
        try
        {
            model = new LlamaModel(catalog.Config, TorchDTypes.ToTorch(weights), TorchDTypes.ToTorch(compute), device.Device, backend);
        }
        catch
        {
            backend?.Dispose();
            throw;
        }
        try
        {
            WeightLoader.Load(model, catalog);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new LlamaRuntime(model, device, weights, compute);
    }

    /// <summary>
    /// The model is allocated from the config before its weights are checked one by one, so a config (or GGUF header)
    /// claiming more than the files hold, e.g. 2^31-1 layers, would allocate until memory runs out: refuse it first.
    /// Layers beyond the checkpoint are a missing tensor, named; sizes are compared in total, with room for the loader
    /// to name a single wrong shape (allocating at most twice what the files hold).
    /// </summary>
    private static void RefuseConfigBeyondWeights(WeightCatalog catalog)
    {
        const string layerPrefix = LlamaTensorNames.LayerPrefix;
        int present = 0;
        string? firstLayerWeight = null;
        foreach (string name in catalog.Weights.Keys)
        {
            if (!name.StartsWith(layerPrefix, StringComparison.Ordinal)) continue;
            int dot = name.IndexOf('.', layerPrefix.Length);
            if (dot < 0 || !int.TryParse(name.AsSpan(layerPrefix.Length, dot - layerPrefix.Length), System.Globalization.CultureInfo.InvariantCulture, out int index)) continue;
            present = Math.Max(present, index + 1);
            if (index == 0) firstLayerWeight ??= name;
        }
        if (catalog.Config.LayerCount > present)
        {
            string suffix = firstLayerWeight?[(layerPrefix.Length + 1)..] ?? "input_layernorm.weight";
            string shape = firstLayerWeight is null ? "" : $" with shape {TensorEntry.FormatShape(catalog.Weights[firstLayerWeight].Shape)}";
            throw new ModelLoadException(ModelLoadErrorKind.MissingTensor,
                $"num_hidden_layers is {catalog.Config.LayerCount} but the checkpoint has weights for {present} layers; the model needs it{shape}.",
                catalog.Source, $"{layerPrefix}{present}.{suffix}");
        }
        double held = catalog.Weights.Values.Sum(w => w.Shape.Aggregate(1.0, (n, d) => n * d));
        double needed = catalog.Config.ParameterCount();
        if (needed > 2 * held)
            throw new ModelLoadException(ModelLoadErrorKind.ConfigExceedsWeights,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the config implies {needed:0} weight elements but the checkpoint holds only {held:0}."), catalog.Source);
    }

    /// <summary>An empty KV cache for one sequence; dispose it when done.</summary>
    public KvCache NewCache()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new KvCache(Config, _model.ComputeDType, _model.Device);
    }

    /// <summary>
    /// Runs <paramref name="ids"/> as the continuation of the sequence in <paramref name="cache"/> (a fresh sequence when
    /// null) and returns float32 logits [T, vocab] on the model's device, one row per new token (only the last when
    /// <paramref name="lastOnly"/>); the caller disposes them. The cache grows by T positions.
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.ContextTooLong"/> when the sequence would pass <see cref="LlamaConfig.MaxPositions"/>.</exception>
    /// <exception cref="ArgumentException">No tokens, or an id outside the vocabulary.</exception>
    public torch.Tensor Forward(ReadOnlySpan<int> ids, KvCache? cache = null, bool lastOnly = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cache != null) return _model.Forward(ids, cache, lastOnly);
        using var scratch = NewCache();
        return _model.Forward(ids, scratch, lastOnly);
    }

    /// <summary>
    /// One decode step for several sequences at once: token <paramref name="ids"/>[b] continues
    /// <paramref name="caches"/>[b]. Returns float32 logits [B, vocab] (the caller disposes them); each cache grows by one.
    /// Row b is bit-identical to what a one-token <see cref="Forward"/> of that sequence alone returns.
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.ContextTooLong"/> when a sequence is at max positions.</exception>
    /// <exception cref="ArgumentException">Counts differ, a cache appears twice, or an id is outside the vocabulary.</exception>
    public torch.Tensor ForwardStep(ReadOnlySpan<int> ids, IReadOnlyList<KvCache> caches)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _model.ForwardStep(ids, caches);
    }

    /// <summary>
    /// Greedy decoding: runs the prompt, then appends the argmax token <paramref name="maxNewTokens"/> times (stopping
    /// after <paramref name="stopToken"/> when given), using a KV cache. Returns the new tokens.
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.ContextTooLong"/> when prompt plus new tokens pass max positions.</exception>
    public int[] GenerateGreedy(ReadOnlySpan<int> prompt, int maxNewTokens, int? stopToken = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var result = new List<int>(maxNewTokens);
        using var cache = NewCache();
        int[] next = prompt.ToArray();
        while (result.Count < maxNewTokens)
        {
            using var logits = Forward(next, cache, lastOnly: true);
            using var best = logits[0].argmax();
            int token = (int)best.item<long>();
            result.Add(token);
            if (token == stopToken) break;
            next = [token];
        }
        return [.. result];
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _model.Dispose();
    }
}
