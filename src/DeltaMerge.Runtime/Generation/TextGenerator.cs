using DeltaMerge.Tokenization;
using TorchSharp;

namespace DeltaMerge.Runtime.Generation;

/// <summary>
/// Generates text with a loaded model and its tokenizer: runs each prompt once into its own KV cache, then one token
/// at a time, streaming text pieces as soon as they are complete (never half a UTF-8 character). Several sequences
/// can be decoded together: each step then reads the weights once for all of them, and a slot is refilled with the
/// next prompt as soon as its sequence stops. Every sequence gets the same tokens as it would alone.
/// </summary>
public sealed class TextGenerator
{
    private readonly LlamaRuntime _runtime;
    private readonly LlamaTokenizer _tokenizer;

    /// <summary>Pairs a model with its tokenizer.</summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.TokenizerLargerThanModel"/> when token ids could pass the embedding rows.</exception>
    public TextGenerator(LlamaRuntime runtime, LlamaTokenizer tokenizer)
    {
        if (tokenizer.VocabularySize > runtime.Config.VocabSize)
            throw new ModelLoadException(ModelLoadErrorKind.TokenizerLargerThanModel,
                $"the tokenizer has {tokenizer.VocabularySize} tokens but the model only {runtime.Config.VocabSize} embedding rows.");
        _runtime = runtime;
        _tokenizer = tokenizer;
    }

    /// <summary>The tokenizer.</summary>
    public LlamaTokenizer Tokenizer => _tokenizer;

    /// <summary>Generates after <paramref name="promptIds"/>; <paramref name="onText"/> receives each piece of text as it is produced.</summary>
    /// <param name="promptIds">The prompt, BOS included as the caller wants it.</param>
    /// <param name="options">Sampling and stopping.</param>
    /// <param name="onText">Streaming callback (may be null).</param>
    /// <param name="skip">Token ids decoded as nothing (default: BOS and EOS).</param>
    /// <param name="cancellationToken">Stops between tokens.</param>
    public GenerationResult Generate(IReadOnlyList<int> promptIds, GenerationOptions options, Action<string>? onText = null,
        IReadOnlySet<int>? skip = null, CancellationToken cancellationToken = default)
    {
        if (promptIds.Count == 0) throw new ArgumentException("The prompt has no tokens.", nameof(promptIds));
        GenerationResult? result = null;
        Run([promptIds], options, 1, (_, r) => result = r, skip, onText, cancellationToken);
        return result!;
    }

    /// <summary>
    /// Generates after each of <paramref name="prompts"/>, up to <paramref name="batchSize"/> at a time, calling
    /// <paramref name="onResult"/>(index, result) as each finishes (not necessarily in order).
    /// </summary>
    /// <exception cref="ArgumentException">An empty prompt or a batch size below 1.</exception>
    public void GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, int batchSize,
        Action<int, GenerationResult> onResult, IReadOnlySet<int>? skip = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("A prompt has no tokens.", nameof(prompts));
        Run(prompts, options, batchSize, onResult, skip, null, cancellationToken);
    }

    private void Run(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, int batchSize, Action<int, GenerationResult> onResult,
        IReadOnlySet<int>? skip, Action<string>? onText, CancellationToken cancellationToken)
    {
        skip ??= new HashSet<int> { _tokenizer.BosId, _tokenizer.EosId };
        var spareCaches = new Stack<KvCache>();
        var active = new List<SequenceState>(batchSize);
        int next = 0;
        try
        {
            while (next < prompts.Count || active.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Fill free slots: each new sequence runs its prompt alone (prefill), which also gives its first token.
                while (active.Count < batchSize && next < prompts.Count)
                {
                    var cache = spareCaches.Count > 0 ? spareCaches.Pop() : _runtime.NewCache();
                    cache.Clear();
                    var state = new SequenceState(next, prompts[next], cache, options, _tokenizer, skip, onText);
                    next++;
                    if (!state.Finished)
                    {
                        using var logits = _runtime.Forward(state.Prompt is int[] ids ? ids : [.. state.Prompt], cache, lastOnly: true);
                        Accept(state, logits, 0);
                    }
                    if (Retire(state, onResult, spareCaches)) continue;
                    active.Add(state);
                }
                foreach (var s in active) s.CheckRoom();
                active.RemoveAll(s => Retire(s, onResult, spareCaches));
                if (active.Count == 0) continue;
                int[] tokens = active.Select(s => s.LastToken).ToArray();
                using (var logits = _runtime.ForwardStep(tokens, active.Select(s => s.Cache).ToArray()))
                    for (int b = 0; b < active.Count; b++) Accept(active[b], logits, b);
                active.RemoveAll(s => Retire(s, onResult, spareCaches));
            }
        }
        finally
        {
            foreach (var s in active) s.Cache.Dispose();
            foreach (var c in spareCaches) c.Dispose();
        }
    }

    private static void Accept(SequenceState state, torch.Tensor logits, int row)
    {
        using var selected = logits[row];
        using var cpu = selected.to(torch.CPU);
        state.Accept(cpu.data<float>().ToArray());
    }

    /// <summary>Reports a finished sequence and keeps its cache for the next one; false while it runs.</summary>
    private static bool Retire(SequenceState state, Action<int, GenerationResult> onResult, Stack<KvCache> spareCaches)
    {
        if (!state.Finished) return false;
        spareCaches.Push(state.Cache);
        onResult(state.Index, state.Result());
        return true;
    }
}
