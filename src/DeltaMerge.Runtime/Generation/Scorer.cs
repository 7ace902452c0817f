using TorchSharp;

namespace DeltaMerge.Runtime.Generation;

/// <summary>Per-token log-likelihood of a token sequence under the model (the <c>score</c> command, rank-mode evaluation).</summary>
public static class Scorer
{
    /// <summary>
    /// log P(tokens[i+1] | tokens[0..i]) for every i (length tokens - 1), in float64 from float32 log-softmax, as
    /// <c>torch.log_softmax(logits, -1)</c> gathered at the next token.
    /// </summary>
    public static double[] LogProbs(LlamaRuntime runtime, IReadOnlyList<int> tokens)
    {
        if (tokens.Count < 2) return [];
        using var scope = torch.NewDisposeScope();
        var logits = runtime.Forward(tokens.Take(tokens.Count - 1).ToArray());
        var logProbs = torch.nn.functional.log_softmax(logits, -1).cpu();
        var next = torch.tensor(tokens.Skip(1).Select(t => (long)t).ToArray()).unsqueeze(1);
        var picked = logProbs.gather(1, next).squeeze(1);
        return picked.data<float>().ToArray().Select(v => (double)v).ToArray();
    }

    /// <summary>
    /// For each continuation c: Σ_j log P(c_j | prompt, c_1..c_{j-1}) (0 for an empty one). The prompt runs once into a
    /// KV cache; each continuation rewinds the cache to the prompt and runs only its own tokens.
    /// </summary>
    /// <exception cref="ArgumentException">An empty prompt.</exception>
    public static IReadOnlyList<double> ContinuationLogLikelihoods(LlamaRuntime runtime, IReadOnlyList<int> prompt, IReadOnlyList<IReadOnlyList<int>> continuations)
    {
        if (prompt.Count == 0) throw new ArgumentException("The prompt has no tokens.", nameof(prompt));
        using var cache = runtime.NewCache();
        using var scope = torch.NewDisposeScope();
        var promptLogits = runtime.Forward(prompt.ToArray(), cache, lastOnly: true);
        var afterPrompt = torch.nn.functional.log_softmax(promptLogits, -1).cpu();
        var scores = new double[continuations.Count];
        for (int k = 0; k < continuations.Count; k++)
        {
            var c = continuations[k];
            if (c.Count == 0) continue;
            double sum = afterPrompt[0, c[0]].item<float>();
            if (c.Count > 1)
            {
                cache.Truncate(prompt.Count);
                var logits = runtime.Forward(c.Take(c.Count - 1).ToArray(), cache);
                var logProbs = torch.nn.functional.log_softmax(logits, -1).cpu();
                for (int j = 1; j < c.Count; j++) sum += logProbs[j - 1, c[j]].item<float>();
            }
            scores[k] = sum;
        }
        return scores;
    }
}
