using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeltaMerge.Runtime.Kernels;

/// <summary><see cref="KernelIsa.Vector256"/>: 8 floats, AVX2 and FMA.</summary>
internal readonly unsafe struct Simd256 : ISimd<Vector256<float>>
{
    /// <summary>16 registers without AVX-512.</summary>
    public static int TileRows => 2;

    public static int Width => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHalf(ushort* source)
    {
        // See HalfWidening for why this is exact.
        Vector256<int> bits = Avx2.ConvertToVector256Int32((short*)source) << 13 & Vector256.Create(HalfWidening.SignExponentMantissa);
        Vector256<int> exponent = Vector256.Create(HalfWidening.ExponentBits);
        bits = Vector256.ConditionalSelect(Vector256.Equals(bits & exponent, exponent), bits + Vector256.Create(HalfWidening.SpecialExponentFix), bits);
        return bits.AsSingle() * Vector256.Create(HalfWidening.Rebias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenBFloat16(ushort* source) => (Avx2.ConvertToVector256Int32(source) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenSByte(sbyte* source) => Vector256.ConvertToSingle(Avx2.ConvertToVector256Int32(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value)
    {
        Vector128<float> four = value.GetLower() + value.GetUpper();
        Vector128<float> two = four + Vector128.Shuffle(four, Vector128.Create(2, 3, 0, 1));
        return two.ToScalar() + two.GetElement(1);
    }
}
