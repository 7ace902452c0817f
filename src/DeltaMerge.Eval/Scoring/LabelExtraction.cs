using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Scoring;

/// <summary>The class read from an output, and whether it is the class-0 fallback.</summary>
/// <param name="Class">Index into <see cref="TaskSpec.ClassNames"/>.</param>
/// <param name="Fallback">True when no label word occurred (the authors count a failure and predict class 0).</param>
/// <param name="Word">The label word that matched, or null.</param>
public sealed record LabelExtraction(int Class, bool Fallback, string? Word)
{
    /// <summary>
    /// The authors' rule for <paramref name="spec"/>: label words (ordered substring search in the lower-cased output,
    /// class 0 when none) or quick-ratio between the two options. QA tasks have no classes.
    /// </summary>
    /// <exception cref="ArgumentException">A QA task, or a quick-ratio task without two options.</exception>
    public static LabelExtraction From(TaskSpec spec, string output, IReadOnlyList<string> options)
    {
        switch (spec.Rule)
        {
            case ChoiceRule.LabelWords:
                string lower = PyText.Lower(output);
                foreach (LabelWord w in spec.LabelWords)
                    if (lower.Contains(w.Word, StringComparison.Ordinal)) return new LabelExtraction(w.Class, false, w.Word);
                return new LabelExtraction(0, true, null);
            case ChoiceRule.QuickRatio:
                if (options.Count != 2) throw new ArgumentException($"{spec.Name} needs two options, got {options.Count}.", nameof(options));
                return new LabelExtraction(QuickRatio.PickOption(output, options[0], options[1]), false, null);
            default:
                throw new ArgumentException($"{spec.Name} is a QA task: it has no label to extract.", nameof(spec));
        }
    }
}
