namespace DeltaMerge.Eval.Tasks;

/// <summary>A published figure from the MT-LLaMA model card (percent): accuracy, or F1 and exact match.</summary>
/// <param name="Accuracy">Classification accuracy, null for QA.</param>
/// <param name="F1">QA F1, null for classification.</param>
/// <param name="ExactMatch">QA exact match, null for classification.</param>
public sealed record PublishedScore(double? Accuracy, double? F1, double? ExactMatch)
{
    /// <summary>An accuracy.</summary>
    public static PublishedScore Acc(double accuracy) => new(accuracy, null, null);

    /// <summary>An F1 / exact-match pair.</summary>
    public static PublishedScore Qa(double f1, double exactMatch) => new(null, f1, exactMatch);
}
