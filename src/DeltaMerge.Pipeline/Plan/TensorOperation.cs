namespace DeltaMerge.Pipeline.Plan;

/// <summary>What a task computes from its operands (for Add and Subtract both are first rounded to fp16, as MT-LLaMA's fp16 loading does).</summary>
public enum TensorOperation
{
    /// <summary><c>primary + secondary</c>: applying a delta (primary = base, secondary = delta).</summary>
    Add,
    /// <summary><c>primary - secondary</c>: making a delta (primary = target, secondary = base).</summary>
    Subtract,
    /// <summary>The primary alone, converted to the output type with one rounding (no fp16 step): format conversion.</summary>
    Convert,
}
