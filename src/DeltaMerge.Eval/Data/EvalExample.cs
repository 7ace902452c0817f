namespace DeltaMerge.Eval.Data;

/// <summary>One example of a task, in the field names the prompt builders use.</summary>
public sealed record EvalExample
{
    /// <summary>Position in the file (0-based), the <c>index</c> of predictions.jsonl.</summary>
    public required int Index { get; init; }

    /// <summary>Fields by the names of <see cref="Tasks.TaskSpec.Fields"/> (premise, hypothesis, sentence, question, context, ...).</summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>The options of COPA / Winogrande (two) and OpenbookQA (four), in the dataset's order.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Gold class (index into <see cref="Tasks.TaskSpec.ClassNames"/>); -1 for QA.</summary>
    public int Gold { get; init; } = -1;

    /// <summary>How the file wrote the gold label (predictions are written the same way).</summary>
    public LabelStyle LabelStyle { get; init; } = LabelStyle.Integer;

    /// <summary>QA: the question id.</summary>
    public string? Id { get; init; }

    /// <summary>QA: every gold answer text (scores take the maximum over them).</summary>
    public IReadOnlyList<string> GoldAnswers { get; init; } = [];

    /// <summary>A field, which the loader guarantees to be present.</summary>
    public string this[string field] => Fields[field];
}
