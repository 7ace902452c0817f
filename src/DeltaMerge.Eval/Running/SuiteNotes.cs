using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Running;

/// <summary>The notes under the suite report's tables for one task (the same for a run and for merged shards).</summary>
public static class SuiteNotes
{
    /// <summary>A task without data.</summary>
    public static string Skipped(TaskSpec task) => $"{task.DisplayName}: no data file found in the data directory; skipped.";

    /// <summary>Notes of a task that ran: QA generated in a rank suite; only the first examples (--limit).</summary>
    /// <param name="task">The task.</param>
    /// <param name="suiteMode">The suite's mode.</param>
    /// <param name="total">Examples run (all shards together).</param>
    /// <param name="examples">Examples in the data.</param>
    public static IEnumerable<string> Ran(TaskSpec task, EvalMode suiteMode, int total, int examples)
    {
        if (task.IsQa && suiteMode == EvalMode.Rank) yield return $"{task.DisplayName}: rank mode does not apply to QA; generated instead.";
        if (total < examples) yield return $"{task.DisplayName}: first {total} of {examples} examples only (--limit).";
    }
}
