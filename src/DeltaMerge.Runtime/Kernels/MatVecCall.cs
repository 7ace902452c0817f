namespace DeltaMerge.Runtime.Kernels;

/// <summary>The operands of one <see cref="MatVec.Multiply(in WeightMatrix, float*, int, float*, KernelPool, KernelIsa)"/> call, as every thread of it sees them.</summary>
internal readonly unsafe struct MatVecCall(WeightMatrix weights, float* x, int rows, float* y)
{
    public WeightMatrix Weights { get; } = weights;

    /// <summary>Activations [Rows, Weights.Columns].</summary>
    public float* X { get; } = x;

    public int Rows { get; } = rows;

    /// <summary>Results [Rows, Weights.Rows].</summary>
    public float* Y { get; } = y;
}
