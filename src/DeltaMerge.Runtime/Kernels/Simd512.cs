using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeltaMerge.Runtime.Kernels;

/// <summary><see cref="KernelIsa.Vector512"/>: 16 floats, AVX-512F/BW.</summary>
internal readonly unsafe struct Simd512 : ISimd<Vector512<float>>
{
    /// <summary>32 registers.</summary>
    public static int TileRows => 4;

    public static int Width => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHalf(ushort* source)
    {
        // See HalfWidening for why this is exact.
        Vector512<int> bits = Avx512F.ConvertToVector512Int32(Vector256.Load((short*)source)) << 13 & Vector512.Create(HalfWidening.SignExponentMantissa);
        Vector512<int> exponent = Vector512.Create(HalfWidening.ExponentBits);
        bits = Vector512.ConditionalSelect(Vector512.Equals(bits & exponent, exponent), bits + Vector512.Create(HalfWidening.SpecialExponentFix), bits);
        return bits.AsSingle() * Vector512.Create(HalfWidening.Rebias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenBFloat16(ushort* source) => (Avx512F.ConvertToVector512Int32(Vector256.Load(source)) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenSByte(sbyte* source) => Vector512.ConvertToSingle(Avx512F.ConvertToVector512Int32(Vector128.Load(source)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Simd256.Sum(value.GetLower() + value.GetUpper());
}
