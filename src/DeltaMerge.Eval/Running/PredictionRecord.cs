namespace DeltaMerge.Eval.Running;

/// <summary>One line of predictions.jsonl.</summary>
/// <param name="Index">The example's index in the data file.</param>
/// <param name="Prompt">The full prompt text, before any truncation.</param>
/// <param name="Output">The output text (rank mode: the chosen option's string).</param>
/// <param name="Prediction">Classification: the label in the dataset's own encoding (int, bool or string); QA: the answer text.</param>
/// <param name="Correct">Classification: whether the prediction is the gold label.</param>
/// <param name="F1">QA: the example's F1 (0..1), maximised over gold answers.</param>
/// <param name="ExactMatch">QA: 1 or 0.</param>
/// <param name="Fallback">Classification by label words: no word was found and class 0 was predicted (not written; recomputed on resume).</param>
public sealed record PredictionRecord(int Index, string Prompt, string Output, object Prediction, bool? Correct, double? F1, double? ExactMatch, bool Fallback);
