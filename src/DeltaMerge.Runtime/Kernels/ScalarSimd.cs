using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary><see cref="KernelIsa.Scalar"/>: "vectors" of one float, for any machine.</summary>
internal readonly unsafe struct ScalarSimd : ISimd<float>
{
    /// <summary>16 registers.</summary>
    public static int TileRows => 2;

    public static int Width => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, float* destination) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WidenHalf(ushort* source) => HalfWidening.Widen(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WidenBFloat16(ushort* source) => BitConverter.Int32BitsToSingle(*source << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WidenSByte(sbyte* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;
}
