namespace DeltaMerge.Pipeline.Plan;

/// <summary>The inputs are individually valid but cannot be combined; names the tensor and both shapes.</summary>
public sealed class MergePlanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MergePlanException(MergePlanErrorKind kind, string tensorName, string message) : base($"tensor '{tensorName}': {message}")
    {
        Kind = kind;
        TensorName = tensorName;
    }

    /// <summary>The rule that failed.</summary>
    public MergePlanErrorKind Kind { get; }

    /// <summary>The tensor concerned.</summary>
    public string TensorName { get; }
}
