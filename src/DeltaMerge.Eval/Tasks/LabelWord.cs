namespace DeltaMerge.Eval.Tasks;

/// <summary>One entry of a task's ordered label-word list: a lower-case word and the class it stands for.</summary>
/// <param name="Word">Searched as a substring of the lower-cased output.</param>
/// <param name="Class">Index into <see cref="TaskSpec.ClassNames"/>.</param>
public sealed record LabelWord(string Word, int Class);
