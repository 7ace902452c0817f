using DeltaMerge.Formats.Integrity;
using DeltaMerge.Pipeline.Jobs;

namespace DeltaMerge.Demo;

/// <summary>One prompt's answers from the base and from the merged model.</summary>
/// <param name="Task">Task format.</param>
/// <param name="Prompt">The exact prompt.</param>
/// <param name="Expected">The answer the fine-tune taught.</param>
/// <param name="Base">What the base answers (its weights are random).</param>
/// <param name="Merged">What base + delta answers.</param>
public sealed record DemoAnswer(string Task, string Prompt, string Expected, string Base, string Merged)
{
    /// <summary>Whether the merged model gives the expected answer.</summary>
    public bool MergedCorrect => Merged == Expected;

    /// <summary>Whether the base gives the expected answer.</summary>
    public bool BaseCorrect => Base == Expected;
}

/// <summary>Everything the demo did and found.</summary>
/// <param name="Directory">Where base/, finetuned/, delta/ and merged/ were written.</param>
/// <param name="Shape">The models' shape (base vocabulary; the fine-tune adds [PAD]).</param>
/// <param name="FineTune">Fine-tuning steps, loss and fp16 margin (the weights are in finetuned/).</param>
/// <param name="MakeDelta">The make-delta job's report.</param>
/// <param name="Merge">The merge job's report.</param>
/// <param name="Verification">verify on the merged directory.</param>
/// <param name="Answers">Each prompt's answers.</param>
/// <param name="Comparison">merged/ against finetuned/, element by element.</param>
public sealed record DemoResult(string Directory, SyntheticLlama.Shape Shape, FineTuneSummary FineTune, MergeReport MakeDelta, MergeReport Merge,
    VerificationResult Verification, IReadOnlyList<DemoAnswer> Answers, TensorComparison Comparison)
{
    /// <summary>
    /// The merge is proven: verified output, every merged answer right, no base answer right, and every element
    /// whose difference fp16 represents exactly restored exactly.
    /// </summary>
    public bool Proven => Verification.Ok && Answers.All(a => a.MergedCorrect && !a.BaseCorrect) && Comparison.DifferingWhereExact == 0;
}

/// <summary>Fine-tuning in figures.</summary>
/// <param name="Steps">Adam steps.</param>
/// <param name="Loss">Last cross-entropy on the answer tokens.</param>
/// <param name="Margin">Smallest fp16 lead of a correct token (logits).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record FineTuneSummary(int Steps, float Loss, float Margin, double Seconds);
