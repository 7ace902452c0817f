using System.Buffers.Binary;

namespace DeltaMerge.Formats.Gguf;

/// <summary>Float32 → F16 / BF16 conversions as ggml does them (<c>ggml-impl.h</c>), little-endian output.</summary>
public static class GgmlConvert
{
    private const uint AbsMask = 0x7FFF_FFFF;
    private const uint ExponentMask = 0x7F80_0000;   // also +inf: anything above |x| bits is NaN
    private const uint SignMask = 0x8000_0000;
    private const int HalfShift = 16;
    private const uint RoundingBias = 0x7FFF;
    private const uint QuietBit = 0x40;              // top mantissa bit of a bf16

    /// <summary>
    /// float32 → bf16 bits, <c>ggml_compute_fp32_to_bf16</c>: NaN keeps its sign and upper payload and is made quiet;
    /// everything else rounds to nearest even on the upper 16 bits (overflow goes to ±inf, subnormals are kept).
    /// With <paramref name="flushSubnormals"/>, subnormal inputs become ±0 first, as gguf-py's <c>quants.py</c> does.
    /// </summary>
    public static ushort ToBF16Bits(float value, bool flushSubnormals = false)
    {
        uint u = BitConverter.SingleToUInt32Bits(value);
        if ((u & AbsMask) > ExponentMask) return (ushort)((u >> HalfShift) | QuietBit);
        if (flushSubnormals && (u & ExponentMask) == 0) u &= SignMask;
        return (ushort)((u + RoundingBias + ((u >> HalfShift) & 1)) >> HalfShift);
    }

    /// <summary>bf16 bits → float32 (exact).</summary>
    public static float FromBF16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << HalfShift);

    /// <summary>float32 → IEEE half bits, round to nearest even (numpy <c>astype(float16)</c>, ggml's FP32_TO_FP16).</summary>
    public static ushort ToF16Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>Converts floats to little-endian BF16 (2 bytes each).</summary>
    /// <exception cref="ArgumentException"><paramref name="dst"/> is not twice as long as <paramref name="src"/>.</exception>
    public static void ToBF16(ReadOnlySpan<float> src, Span<byte> dst, bool flushSubnormals = false)
    {
        CheckLengths(src.Length, dst.Length);
        for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], ToBF16Bits(src[i], flushSubnormals));
    }

    /// <summary>Converts floats to little-endian F16 (2 bytes each).</summary>
    /// <exception cref="ArgumentException"><paramref name="dst"/> is not twice as long as <paramref name="src"/>.</exception>
    public static void ToF16(ReadOnlySpan<float> src, Span<byte> dst)
    {
        CheckLengths(src.Length, dst.Length);
        for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], ToF16Bits(src[i]));
    }

    private static void CheckLengths(int floats, int bytes)
    {
        if ((long)floats * sizeof(ushort) != bytes)
            throw new ArgumentException($"{floats} floats need {(long)floats * sizeof(ushort)} bytes of 16-bit output, got {bytes}.");
    }
}
