namespace DeltaMerge.Runtime.Kernels;

/// <summary>A kernel for one weight type on one instruction set: what <see cref="RowKernels"/> runs per weight row.</summary>
internal unsafe interface IRowKernel
{
    /// <summary>
    /// One weight row (k elements) against TTile.Count activation rows at x (stride k), writing results at y (stride
    /// yStride). Each row's result must not depend on TTile.
    /// </summary>
    static abstract void Tile<TTile>(byte* row, int k, float* x, float* y, long yStride) where TTile : ITileRows;

    /// <summary>One weight row (k elements) as float32, exactly.</summary>
    static abstract void WidenRow(byte* row, int k, float* destination);
}
