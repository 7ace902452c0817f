using System.Text.Json.Nodes;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Running;

/// <summary>metrics.json: accuracy, or F1 and exact match, in percent, with the count of fallbacks.</summary>
public sealed record EvalMetrics
{
    /// <summary>The task.</summary>
    public required TaskSpec Task { get; init; }

    /// <summary>Generate or rank.</summary>
    public required EvalMode Mode { get; init; }

    /// <summary>Number of examples scored.</summary>
    public required int N { get; init; }

    /// <summary>Classification accuracy (%), null for QA.</summary>
    public double? Accuracy { get; init; }

    /// <summary>QA F1 (%), null for classification.</summary>
    public double? F1 { get; init; }

    /// <summary>QA exact match (%), null for classification.</summary>
    public double? ExactMatch { get; init; }

    /// <summary>Classification: outputs with no label word (class 0 predicted); QA: outputs containing "None" (scored as empty).</summary>
    public required int Fallbacks { get; init; }

    /// <summary>Computes the metrics of <paramref name="records"/>.</summary>
    public static EvalMetrics From(TaskSpec task, EvalMode mode, IReadOnlyList<PredictionRecord> records)
    {
        int n = records.Count;
        int fallbacks = records.Count(r => r.Fallback);
        if (task.IsQa)
        {
            return new EvalMetrics
            {
                Task = task, Mode = mode, N = n, Fallbacks = fallbacks,
                F1 = n == 0 ? 0 : 100.0 * records.Sum(r => r.F1 ?? 0) / n,
                ExactMatch = n == 0 ? 0 : 100.0 * records.Sum(r => r.ExactMatch ?? 0) / n,
            };
        }
        return new EvalMetrics
        {
            Task = task, Mode = mode, N = n, Fallbacks = fallbacks,
            Accuracy = n == 0 ? 0 : 100.0 * records.Count(r => r.Correct == true) / n,
        };
    }

    /// <summary>
    /// The metrics.json object: <c>{"task", "mode", "n", "accuracy", "fallbacks"}</c> or
    /// <c>{"task", "n", "f1", "exact_match", "fallbacks"}</c>.
    /// </summary>
    public JsonObject ToJson() => Task.IsQa
        ? new JsonObject { ["task"] = Task.Name, ["n"] = N, ["f1"] = F1, ["exact_match"] = ExactMatch, ["fallbacks"] = Fallbacks }
        : new JsonObject { ["task"] = Task.Name, ["mode"] = Mode.ToString().ToLowerInvariant(), ["n"] = N, ["accuracy"] = Accuracy, ["fallbacks"] = Fallbacks };
}
