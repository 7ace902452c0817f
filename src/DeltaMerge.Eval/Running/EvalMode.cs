namespace DeltaMerge.Eval.Running;

/// <summary>How a classification example is decided.</summary>
public enum EvalMode
{
    /// <summary>The authors' protocol: greedy generation, then label words or quick-ratio on the output text.</summary>
    Generate,
    /// <summary>T0-style rank classification: the option whose tokens are most likely after the prompt.</summary>
    Rank,
}
