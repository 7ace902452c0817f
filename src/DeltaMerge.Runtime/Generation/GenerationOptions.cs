namespace DeltaMerge.Runtime.Generation;

/// <summary>How tokens are chosen and when generation stops.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>0 (default) is greedy decoding; above 0, logits are divided by it and a token is sampled.</summary>
    public float Temperature { get; init; }

    /// <summary>Sample only among the K most likely tokens (0: no limit).</summary>
    public int TopK { get; init; }

    /// <summary>Sample only among the most likely tokens whose probabilities add up to P (1: no limit).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed of the sampler's random numbers (same seed, same text).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// transformers' repetition penalty: the logit of every token already in the sequence (prompt included) is divided
    /// by it when positive and multiplied when negative. 1 disables it.
    /// </summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Tokens that end generation (they are kept in the output ids, not in the text).</summary>
    public IReadOnlyCollection<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end generation; the text is cut before the first one found.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>True when tokens are chosen by argmax.</summary>
    public bool IsGreedy => Temperature <= 0;
}
