namespace DeltaMerge.Pipeline.Plan;

/// <summary>What a task computes from its operands (both first rounded to fp16, as MT-LLaMA's fp16 loading does).</summary>
public enum TensorOperation
{
    /// <summary><c>primary + secondary</c>: applying a delta (primary = base, secondary = delta).</summary>
    Add,
    /// <summary><c>primary - secondary</c>: making a delta (primary = target, secondary = base).</summary>
    Subtract,
}
