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
}
