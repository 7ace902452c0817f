using DeltaMerge.Formats;

namespace DeltaMerge.Pipeline.Plan;

/// <summary>
/// Everything a merge will do, decided before any tensor byte is read: the tasks in output order, their grouping into
/// shards, and what is skipped. Immutable and printable (<c>merge --dry-run --json</c>).
/// </summary>
/// <param name="Operation">Add (apply a delta) or Subtract (make a delta).</param>
/// <param name="OutputDType">Element type of every output tensor.</param>
/// <param name="Shards">Output files in order, each with its tasks.</param>
/// <param name="Skipped">Input tensors left out, with reasons.</param>
/// <param name="PrimaryVocabRows">Vocabulary rows of the primary operand (0 when it has no vocabulary tensor).</param>
/// <param name="OutputVocabRows">Vocabulary rows of the output.</param>
public sealed record MergePlan(
    TensorOperation Operation,
    DType OutputDType,
    IReadOnlyList<OutputShard> Shards,
    IReadOnlyList<SkippedTensor> Skipped,
    long PrimaryVocabRows,
    long OutputVocabRows)
{
    /// <summary>All tasks in write order.</summary>
    public IEnumerable<TensorTask> Tasks => Shards.SelectMany(s => s.Tasks);

    /// <summary>Total tensor bytes written (metadata.total_size of the index).</summary>
    public long TotalBytes => Shards.Sum(s => s.TensorBytes);

    /// <summary>Number of tasks.</summary>
    public int TaskCount => Shards.Sum(s => s.Tasks.Count);
}
