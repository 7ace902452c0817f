using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Data;

/// <summary>A task's examples, loaded from one file (or a directory of Parquet shards).</summary>
/// <param name="Task">The task.</param>
/// <param name="Files">The files read, in order.</param>
/// <param name="Format">Their format.</param>
/// <param name="Examples">The examples, indexed from 0 in file order.</param>
public sealed record EvalDataset(TaskSpec Task, IReadOnlyList<string> Files, DataFormat Format, IReadOnlyList<EvalExample> Examples);
