namespace DeltaMerge.Eval.Running;

/// <summary>The outcome of one task's evaluation.</summary>
/// <param name="Metrics">The figures written to metrics.json.</param>
/// <param name="OutputDirectory">Where predictions.jsonl, metrics.json and report.md are.</param>
/// <param name="Resumed">Examples taken from an earlier run's predictions.jsonl.</param>
/// <param name="Evaluated">Examples run now.</param>
public sealed record EvalResult(EvalMetrics Metrics, string OutputDirectory, int Resumed, int Evaluated);
