namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// The vector operations the kernels are written in, implemented once per <see cref="KernelIsa"/> (a float, a
/// Vector256, a Vector512). Kernels are generic over a struct implementing this, so the JIT compiles one specialised
/// copy per instruction set from one source, and every instruction set sums in the same documented order.
/// </summary>
internal unsafe interface ISimd<TVec> where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Width { get; }

    /// <summary>
    /// Activation rows per tile (4 or 2): a tile of 4 output rows holds 4 × TileRows accumulators, four weight vectors
    /// and an activation vector in registers.
    /// </summary>
    static abstract int TileRows { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Broadcast(float value);

    static abstract TVec Load(float* source);

    static abstract void Store(TVec value, float* destination);

    /// <summary>Width IEEE halves widened exactly (see <see cref="HalfWidening"/>).</summary>
    static abstract TVec WidenHalf(ushort* source);

    /// <summary>Width bfloat16 values widened exactly (the upper half of a float32).</summary>
    static abstract TVec WidenBFloat16(ushort* source);

    /// <summary>Width int8 values as floats.</summary>
    static abstract TVec WidenSByte(sbyte* source);

    static abstract TVec Multiply(TVec left, TVec right);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>The lanes' sum, halving the vector each step: lane i + lane i + Width/2, down to one lane.</summary>
    static abstract float Sum(TVec value);
}
