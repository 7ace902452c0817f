using System.Buffers.Binary;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Q8_0 quantization, bit-identical to llama.cpp's <c>quantize_row_q8_0_ref</c> (ggml-quants.c) and gguf-py's
/// <c>quants.py</c>: per block of 32 floats, <c>d = max|x| / 127</c> (float32), <c>id = d != 0 ? 1/d : 0</c>,
/// <c>q = roundf(x * id)</c> (half away from zero), stored as fp16 <c>d</c> (round to nearest even, LE) + 32 int8.
/// </summary>
public static class GgmlQuantizer
{
    /// <summary>Elements per Q8_0 block.</summary>
    public static int Q8_0BlockSize => GgmlTypeInfo.BlockSize(GgmlType.Q8_0);

    /// <summary>Bytes per Q8_0 block.</summary>
    public static int Q8_0BytesPerBlock => GgmlTypeInfo.BytesPerBlock(GgmlType.Q8_0);

    private const float Q8Max = 127f;       // (1 << 7) - 1
    private const int ScaleBytes = 2;       // the fp16 d before the quants

    /// <summary>Quantizes <paramref name="src"/> (a multiple of 32 floats) into <paramref name="dst"/> (34 bytes per 32 floats).</summary>
    /// <exception cref="ArgumentException">Lengths are not whole blocks or do not match.</exception>
    public static void QuantizeQ8_0(ReadOnlySpan<float> src, Span<byte> dst)
    {
        int qk = Q8_0BlockSize, blockBytes = Q8_0BytesPerBlock;
        int blocks = CheckLengths(src.Length, dst.Length, qk, blockBytes);
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> x = src.Slice(b * qk, qk);
            Span<byte> y = dst.Slice(b * blockBytes, blockBytes);
            float amax = 0f;
            foreach (float v in x) amax = Math.Max(amax, MathF.Abs(v));
            float d = amax / Q8Max;
            float id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);
            for (int j = 0; j < qk; j++)
                y[ScaleBytes + j] = unchecked((byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero));
        }
    }

    /// <summary>Expands Q8_0 blocks back to floats: <c>x = fp32(d) * q</c>, as <c>dequantize_row_q8_0</c>.</summary>
    /// <exception cref="ArgumentException">Lengths are not whole blocks or do not match.</exception>
    public static void DequantizeQ8_0(ReadOnlySpan<byte> src, Span<float> dst)
    {
        int qk = Q8_0BlockSize, blockBytes = Q8_0BytesPerBlock;
        int blocks = CheckLengths(dst.Length, src.Length, qk, blockBytes);
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<byte> y = src.Slice(b * blockBytes, blockBytes);
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(y);
            for (int j = 0; j < qk; j++) dst[b * qk + j] = (sbyte)y[ScaleBytes + j] * d;
        }
    }

    private static int CheckLengths(int floats, int bytes, int qk, int blockBytes)
    {
        if (floats % qk != 0) throw new ArgumentException($"Q8_0 works on blocks of {qk} floats; {floats} is not a multiple.");
        int blocks = floats / qk;
        if ((long)blocks * blockBytes != bytes)
            throw new ArgumentException($"{floats} floats are {blocks} Q8_0 blocks of {blockBytes} bytes, not {bytes} bytes.");
        return blocks;
    }
}
