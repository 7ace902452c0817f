using System.Runtime.InteropServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// Every half as a float32 (256 KiB, made once by <see cref="HalfWidening.Widen"/>): Q8_0 kernels look up a block's
/// scale for each vector, where the scalar conversion's ten instructions would cost more than the vector work.
/// </summary>
internal static unsafe class HalfTable
{
    /// <summary>Entry h is half h widened; lives as long as the process.</summary>
    public static readonly float* Values = Build();

    private static float* Build()
    {
        var values = (float*)NativeMemory.AlignedAlloc(65536 * sizeof(float), 64);
        for (int h = 0; h <= ushort.MaxValue; h++) values[h] = HalfWidening.Widen((ushort)h);
        return values;
    }
}
