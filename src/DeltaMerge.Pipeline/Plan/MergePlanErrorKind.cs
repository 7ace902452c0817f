namespace DeltaMerge.Pipeline.Plan;

/// <summary>Why two checkpoints cannot be combined.</summary>
public enum MergePlanErrorKind
{
    /// <summary>A tensor of the primary input is absent from the secondary.</summary>
    MissingInSecondary,
    /// <summary>A tensor of the secondary input is absent from the primary.</summary>
    MissingInPrimary,
    /// <summary>Shapes differ in a way the vocabulary rule does not cover.</summary>
    ShapeMismatch,
    /// <summary>A tensor that is not floating point.</summary>
    UnsupportedDType,
    /// <summary>Nothing to merge.</summary>
    NoTensors,
}
