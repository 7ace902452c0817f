namespace DeltaMerge.Runtime.Generation;

/// <summary>
/// Chooses the next token from a row of logits: repetition penalty, then greedy argmax (lowest id on ties, as
/// torch.argmax) or temperature / top-k / top-p sampling with a seeded generator, in transformers' order.
/// </summary>
public sealed class Sampler
{
    private readonly GenerationOptions _options;
    private readonly Random _random;

    /// <summary>Creates a sampler for <paramref name="options"/>.</summary>
    public Sampler(GenerationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopK);
        if (options.TopP is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), $"top-p must be in (0, 1], got {options.TopP}.");
        if (options.RepetitionPenalty <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"repetition penalty must be positive, got {options.RepetitionPenalty}.");
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>The next token; <paramref name="logits"/> is modified in place (penalty, temperature).</summary>
    /// <param name="logits">One row of float32 logits.</param>
    /// <param name="history">Every token of the sequence so far (prompt and generated).</param>
    public int Next(Span<float> logits, IReadOnlyCollection<int> history)
    {
        if (_options.RepetitionPenalty != 1f)
            foreach (int id in history.Distinct())
                logits[id] = logits[id] > 0 ? logits[id] / _options.RepetitionPenalty : logits[id] * _options.RepetitionPenalty;
        if (_options.IsGreedy) return ArgMax(logits);

        for (int i = 0; i < logits.Length; i++) logits[i] /= _options.Temperature;
        int[] order = Enumerable.Range(0, logits.Length).ToArray();
        float[] keys = logits.ToArray();
        // Descending by logit, ties by id, so that the candidate set is deterministic.
        Array.Sort(order, (a, b) => keys[b] != keys[a] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, order.Length) : order.Length;

        double max = keys[order[0]];
        var probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) sum += probs[i] = Math.Exp(keys[order[i]] - max);
        if (_options.TopP < 1f)
        {
            // Smallest prefix whose probability reaches top-p (always at least one token).
            double cumulative = 0;
            int n = 0;
            while (n < keep)
            {
                cumulative += probs[n] / sum;
                n++;
                if (cumulative >= _options.TopP) break;
            }
            keep = n;
            sum = probs.Take(keep).Sum();
        }
        double u = _random.NextDouble() * sum;
        for (int i = 0; i < keep; i++)
        {
            u -= probs[i];
            if (u <= 0) return order[i];
        }
        return order[keep - 1];
    }

    /// <summary>Index of the largest value (the first one on ties); NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best] || float.IsNaN(values[best])) best = i;
        return best;
    }
}
