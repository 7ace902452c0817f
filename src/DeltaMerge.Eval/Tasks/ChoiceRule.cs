namespace DeltaMerge.Eval.Tasks;

/// <summary>How the authors turn an output text into a prediction.</summary>
public enum ChoiceRule
{
    /// <summary>The first of an ordered list of label words found in the lower-cased output; class 0 when none is.</summary>
    LabelWords,
    /// <summary>The option with the larger difflib quick_ratio against the lower-cased output (ties: the first).</summary>
    QuickRatio,
    /// <summary>Extractive QA: the output is the answer (empty when it contains "None").</summary>
    ExtractiveQa,
}
