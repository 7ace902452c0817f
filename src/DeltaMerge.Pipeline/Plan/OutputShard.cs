namespace DeltaMerge.Pipeline.Plan;

/// <summary>One output file and the tasks whose results it holds, in write order.</summary>
/// <param name="FileName">File name inside the output directory.</param>
/// <param name="Tasks">Tasks in write order.</param>
public sealed record OutputShard(string FileName, IReadOnlyList<TensorTask> Tasks)
{
    /// <summary>Tensor bytes in this shard (without header).</summary>
    public long TensorBytes => Tasks.Sum(t => t.OutputBytes);
}
