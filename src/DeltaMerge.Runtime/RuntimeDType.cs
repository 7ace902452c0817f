namespace DeltaMerge.Runtime;

/// <summary>Floating-point types the runtime keeps weights in or computes in.</summary>
public enum RuntimeDType
{
    /// <summary>IEEE single precision.</summary>
    Float32,
    /// <summary>IEEE half precision.</summary>
    Float16,
    /// <summary>bfloat16.</summary>
    BFloat16,
}
