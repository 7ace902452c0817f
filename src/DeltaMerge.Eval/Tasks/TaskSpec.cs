using DeltaMerge.Eval.Data;

namespace DeltaMerge.Eval.Tasks;

/// <summary>
/// One task of MT-LLaMA's zero-shot protocol as data: prompt, wrapper, label words, class-0 fallback, the dataset's
/// label encoding and the published numbers (docs/mt-llama-protocol.md). Obtained from <see cref="TaskCatalog"/>.
/// </summary>
public sealed record TaskSpec
{
    /// <summary>The task.</summary>
    public required EvalTask Task { get; init; }

    /// <summary>Command-line name (copa, winogrande, ...).</summary>
    public required string Name { get; init; }

    /// <summary>Name in the model card's tables (XQuAD-en, SST-2, ...).</summary>
    public required string DisplayName { get; init; }

    /// <summary>How the output becomes a prediction.</summary>
    public required ChoiceRule Rule { get; init; }

    /// <summary>Whether the input goes inside the conversation wrapper (<see cref="MtLlamaPrompts.Wrap"/>).</summary>
    public required bool Wrapped { get; init; }

    /// <summary>The fields an example has, with the column names each may come from (first found wins).</summary>
    public required IReadOnlyList<FieldSpec> Fields { get; init; }

    /// <summary>Column names of the gold label (first found wins); empty for QA.</summary>
    public IReadOnlyList<string> LabelColumns { get; init; } = [];

    /// <summary>Class meanings in the authors' class order; class 0 is the fallback when no label word is found.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>The ordered label words (searched in this order; the first found wins).</summary>
    public IReadOnlyList<LabelWord> LabelWords { get; init; } = [];

    /// <summary>Rank mode: the label string of each class, or null when the options are the example's own texts.</summary>
    public IReadOnlyList<string>? RankStrings { get; init; }

    /// <summary>The Hugging Face integer label of each class (glue/mnli: neutral is 1).</summary>
    public IReadOnlyList<int> DatasetCodes { get; init; } = [];

    /// <summary>The label name of each class as text files write it (GLUE TSV "entailment", Winogrande "1", OpenbookQA "A").</summary>
    public IReadOnlyList<string> DatasetNames { get; init; } = [];

    /// <summary>The scoring script of a QA task; null for classification.</summary>
    public QaScoring? QaScoring { get; init; }

    /// <summary>MT-LLaMA-7b's published figure.</summary>
    public required PublishedScore PublishedMtLlama { get; init; }

    /// <summary>LLaMA-7b's published figure.</summary>
    public required PublishedScore PublishedLlama { get; init; }

    /// <summary>Builds the unwrapped input from an example (set by <see cref="TaskCatalog"/>).</summary>
    internal Func<EvalExample, string> Input { get; init; } = null!;

    /// <summary>True for SQuAD, XQuAD, TyDiQA and MLQA.</summary>
    public bool IsQa => Rule == ChoiceRule.ExtractiveQa;

    /// <summary>The full prompt text for <paramref name="example"/>: the input, wrapped when the task is.</summary>
    public string Prompt(EvalExample example)
    {
        string input = Input(example);
        return Wrapped ? MtLlamaPrompts.Wrap(input) : input;
    }

    /// <summary>The options a rank-mode evaluation scores for <paramref name="example"/>, one per class.</summary>
    public IReadOnlyList<string> RankOptions(EvalExample example) => RankStrings ?? example.Options;

    /// <summary>The prediction for class <paramref name="cls"/> in the dataset's own encoding (int, bool or string).</summary>
    public object PredictionValue(int cls, LabelStyle style) => style switch
    {
        LabelStyle.Integer => DatasetCodes[cls],
        LabelStyle.IntegerText => DatasetCodes[cls].ToString(System.Globalization.CultureInfo.InvariantCulture),
        LabelStyle.Boolean => DatasetCodes[cls] != 0,
        _ => DatasetNames[cls],
    };
}

/// <summary>A field of an example and the columns it may be read from.</summary>
/// <param name="Name">The field name used by prompt builders.</param>
/// <param name="Columns">Column names, in order of preference.</param>
public sealed record FieldSpec(string Name, IReadOnlyList<string> Columns);
