namespace DeltaMerge.Runtime.Generation;

/// <summary>Why generation ended.</summary>
public enum StopReason
{
    /// <summary>The maximum number of new tokens was reached.</summary>
    MaxTokens,
    /// <summary>A stop token (EOS, or one given) was generated.</summary>
    StopToken,
    /// <summary>A stop string appeared in the text.</summary>
    StopString,
    /// <summary>The model's context is full.</summary>
    ContextFull,
}

/// <summary>The outcome of one generation.</summary>
/// <param name="PromptTokens">Prompt ids, BOS included.</param>
/// <param name="Tokens">Generated ids (a final stop token included).</param>
/// <param name="Text">Generated text (stop tokens and anything from a stop string on removed).</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="PrefillSeconds">Time to run the prompt.</param>
/// <param name="DecodeSeconds">Time to generate the tokens.</param>
public sealed record GenerationResult(IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, string Text, StopReason Reason, double PrefillSeconds, double DecodeSeconds)
{
    /// <summary>Decode speed: tokens after the first (which the prefill produces) per second of decoding.</summary>
    public double TokensPerSecond => DecodeSeconds > 0 && Tokens.Count > 1 ? (Tokens.Count - 1) / DecodeSeconds : 0;
}
