using System.Diagnostics;
using System.Text;
using DeltaMerge.Tokenization;
using TorchSharp;

namespace DeltaMerge.Runtime.Generation;

/// <summary>
/// Generates text with a loaded model and its tokenizer: runs the prompt once into a KV cache, then one token at a
/// time, streaming each text piece as soon as it is complete (never half a UTF-8 character).
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
        skip ??= new HashSet<int> { _tokenizer.BosId, _tokenizer.EosId };
        var stopIds = options.StopTokenIds.Count > 0 ? options.StopTokenIds : [_tokenizer.EosId];
        var sampler = new Sampler(options);
        var decoder = _tokenizer.CreateDecoder(skip);
        var history = new List<int>(promptIds);
        var generated = new List<int>();
        var text = new StringBuilder();
        int streamed = 0;
        var reason = StopReason.MaxTokens;
        var clock = Stopwatch.StartNew();
        double prefill = 0;

        using var cache = _runtime.NewCache();
        int[] next = [.. promptIds];
        while (generated.Count < options.MaxNewTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A prompt longer than the context is an error (the runtime says so); a generation that fills it just ends.
            if (generated.Count > 0 && cache.Length + next.Length > cache.MaxLength)
            {
                reason = StopReason.ContextFull;
                break;
            }
            float[] row;
            using (var logits = _runtime.Forward(next, cache, lastOnly: true))
            using (var last = logits[0])
            using (var cpu = last.to(torch.CPU))
                row = cpu.data<float>().ToArray();
            if (generated.Count == 0) prefill = clock.Elapsed.TotalSeconds;
            int token = sampler.Next(row, history);
            generated.Add(token);
            history.Add(token);
            if (stopIds.Contains(token))
            {
                reason = StopReason.StopToken;
                break;
            }
            text.Append(decoder.Push(token));
            if (FindStop(text, options.StopStrings) is int cut)
            {
                text.Length = cut;
                reason = StopReason.StopString;
                break;
            }
            // Hold back text that could still become a stop string, stream the rest.
            int safe = text.Length - LongestStopPrefixSuffix(text, options.StopStrings);
            if (safe > streamed)
            {
                onText?.Invoke(text.ToString(streamed, safe - streamed));
                streamed = safe;
            }
            next = [token];
        }
        if (reason != StopReason.StopString) text.Append(decoder.Flush());
        if (text.Length > streamed) onText?.Invoke(text.ToString(streamed, text.Length - streamed));
        return new GenerationResult([.. promptIds], generated, text.ToString(), reason, prefill, clock.Elapsed.TotalSeconds - prefill);
    }

    private static int? FindStop(StringBuilder text, IReadOnlyList<string> stops)
    {
        if (stops.Count == 0) return null;
        string s = text.ToString();
        int? first = null;
        foreach (string stop in stops)
        {
            if (stop.Length == 0) continue;
            int at = s.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first == null || at < first)) first = at;
        }
        return first;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    private static int LongestStopPrefixSuffix(StringBuilder text, IReadOnlyList<string> stops)
    {
        int best = 0;
        foreach (string stop in stops)
            for (int n = Math.Min(stop.Length - 1, text.Length); n > best; n--)
                if (text.ToString(text.Length - n, n) == stop[..n])
                {
                    best = n;
                    break;
                }
        return best;
    }
}
