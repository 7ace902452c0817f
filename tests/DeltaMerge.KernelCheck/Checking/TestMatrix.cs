using System.Buffers.Binary;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.KernelCheck;

/// <summary>A weight matrix in pinned memory, with each stored element's exact value for float64 references.</summary>
internal sealed unsafe class TestMatrix
{
    private readonly byte[] _bytes;
    private readonly float[] _values;   // [stored rows, Columns]

    private TestMatrix(byte[] bytes, float[] values, WeightType type, int rows, int columns, int[]? rowMap)
    {
        _bytes = bytes;
        _values = values;
        Weights = new WeightMatrix(Pinned.Pointer(bytes), type, rows, columns, rowMap);
    }

    public WeightMatrix Weights { get; }

    /// <summary>The exact value of logical row <paramref name="row"/>, column <paramref name="k"/>.</summary>
    public float Value(int row, int k) => _values[(long)(Weights.RowMap is null ? row : Weights.RowMap[row]) * Weights.Columns + k];

    /// <summary>Random elements: dense ones in [-1, 1]; Q8_0 scales in [0.001, 0.05] with any int8.</summary>
    public static TestMatrix Random(WeightType type, int rows, int columns, int seed, int[]? rowMap = null)
    {
        var random = new Random(seed);
        long count = (long)rows * columns;
        var bytes = Pinned.Array<byte>((int)(WeightMatrix.BytesPerRow(type, columns) * rows));
        var values = new float[count];
        Span<byte> b = bytes;
        for (long i = 0; i < count; i++)
        {
            float v = (float)(random.NextDouble() * 2 - 1);
            switch (type)
            {
                case WeightType.F32: BinaryPrimitives.WriteSingleLittleEndian(b[(int)(i * 4)..], v); values[i] = v; break;
                case WeightType.F16: BinaryPrimitives.WriteHalfLittleEndian(b[(int)(i * 2)..], (Half)v); values[i] = (float)(Half)v; break;
                case WeightType.BF16:
                    ushort top = (ushort)(BitConverter.SingleToInt32Bits(v) >>> 16);
                    BinaryPrimitives.WriteUInt16LittleEndian(b[(int)(i * 2)..], top);
                    values[i] = BitConverter.Int32BitsToSingle(top << 16);
                    break;
                case WeightType.Q8_0:
                    int blockStart = (int)(i / WeightMatrix.Q8BlockElements * WeightMatrix.Q8BlockBytes);
                    if (i % WeightMatrix.Q8BlockElements == 0) BinaryPrimitives.WriteHalfLittleEndian(b[blockStart..], (Half)(0.001 + random.NextDouble() * 0.049));
                    sbyte q = (sbyte)random.Next(-128, 128);
                    b[blockStart + 2 + (int)(i % WeightMatrix.Q8BlockElements)] = (byte)q;
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(b[blockStart..]) * q;
                    break;
            }
        }
        return new TestMatrix(bytes, values, type, rows, columns, rowMap);
    }

    /// <summary>An F16 or BF16 matrix holding exactly <paramref name="bits"/>.</summary>
    public static TestMatrix FromBits(WeightType type, ushort[] bits, int rows, int columns, int[]? rowMap = null)
    {
        var bytes = Pinned.Array<byte>(bits.Length * 2);
        var values = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), bits[i]);
            values[i] = type == WeightType.F16 ? (float)BitConverter.UInt16BitsToHalf(bits[i]) : BitConverter.Int32BitsToSingle(bits[i] << 16);
        }
        return new TestMatrix(bytes, values, type, rows, columns, rowMap);
    }
}
