using System.Diagnostics;
using System.Text;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Runtime.Generation;

/// <summary>
/// One sequence being generated: its KV cache, sampler, stop rules and incrementally decoded text. The generator
/// feeds it one logits row per step; it says when the sequence is finished.
/// </summary>
internal sealed class SequenceState
{
    private readonly GenerationOptions _options;
    private readonly IReadOnlyCollection<int> _stopIds;
    private readonly Sampler _sampler;
    private readonly IncrementalDecoder _decoder;
    private readonly Action<string>? _onText;
    private readonly List<int> _history;
    private readonly List<int> _generated = [];
    private readonly StringBuilder _text = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _streamed;
    private double _prefillSeconds;

    public SequenceState(int index, IReadOnlyList<int> prompt, KvCache cache, GenerationOptions options, LlamaTokenizer tokenizer,
        IReadOnlySet<int> skip, Action<string>? onText)
    {
        if (prompt.Count == 0) throw new ArgumentException("The prompt has no tokens.", nameof(prompt));
        Index = index;
        Prompt = prompt;
        Cache = cache;
        _options = options;
        _stopIds = options.StopTokenIds.Count > 0 ? options.StopTokenIds : [tokenizer.EosId];
        _sampler = new Sampler(options);
        _decoder = tokenizer.CreateDecoder(skip);
        _onText = onText;
        _history = [.. prompt];
        Reason = StopReason.MaxTokens;
        Finished = options.MaxNewTokens <= 0;
    }

    /// <summary>The caller's number for this sequence.</summary>
    public int Index { get; }

    /// <summary>Prompt ids.</summary>
    public IReadOnlyList<int> Prompt { get; }

    /// <summary>Its KV cache.</summary>
    public KvCache Cache { get; }

    /// <summary>The token the next step feeds (the last one generated).</summary>
    public int LastToken => _generated[^1];

    /// <summary>Whether generation has ended.</summary>
    public bool Finished { get; private set; }

    /// <summary>Why it ended (meaningful once finished).</summary>
    public StopReason Reason { get; private set; }

    /// <summary>Ends the sequence when the next step would not fit the context (a full context just ends a generation).</summary>
    public void CheckRoom()
    {
        if (Finished || Cache.Length + 1 <= Cache.MaxLength) return;
        Finish(StopReason.ContextFull);
    }

    /// <summary>Takes the logits row that follows the sequence so far: samples the next token and applies the stop rules.</summary>
    public void Accept(Span<float> logits)
    {
        if (_generated.Count == 0) _prefillSeconds = _clock.Elapsed.TotalSeconds;
        int token = _sampler.Next(logits, _history);
        _generated.Add(token);
        _history.Add(token);
        if (_stopIds.Contains(token))
        {
            Finish(StopReason.StopToken);
            return;
        }
        _text.Append(_decoder.Push(token));
        if (StopText.Find(_text, _options.StopStrings) is int cut)
        {
            _text.Length = cut;
            Finish(StopReason.StopString);
            return;
        }
        // Hold back text that could still become a stop string, stream the rest.
        int safe = _text.Length - StopText.LongestPrefixAtEnd(_text, _options.StopStrings);
        if (safe > _streamed)
        {
            _onText?.Invoke(_text.ToString(_streamed, safe - _streamed));
            _streamed = safe;
        }
        if (_generated.Count >= _options.MaxNewTokens) Finish(StopReason.MaxTokens);
    }

    /// <summary>The outcome (once finished).</summary>
    public GenerationResult Result() =>
        new([.. Prompt], [.. _generated], _text.ToString(), Reason, _prefillSeconds, _clock.Elapsed.TotalSeconds - _prefillSeconds);

    private void Finish(StopReason reason)
    {
        Finished = true;
        Reason = reason;
        if (reason != StopReason.StopString) _text.Append(_decoder.Flush());
        if (_text.Length > _streamed) _onText?.Invoke(_text.ToString(_streamed, _text.Length - _streamed));
        _streamed = _text.Length;
    }
}
