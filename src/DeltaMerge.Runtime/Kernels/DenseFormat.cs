using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>How a dense row (F32, F16, BF16) is read: a vector of elements, or one element for the tail.</summary>
internal unsafe interface IDenseFormat
{
    static abstract TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct;

    static abstract float LoadOne(byte* row, int k);
}

/// <summary><see cref="WeightType.F32"/> rows.</summary>
internal readonly unsafe struct F32Format : IDenseFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.Load((float*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ((float*)row)[k];
}

/// <summary><see cref="WeightType.F16"/> rows.</summary>
internal readonly unsafe struct F16Format : IDenseFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.WidenHalf((ushort*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ScalarSimd.WidenHalf((ushort*)row + k);
}

/// <summary><see cref="WeightType.BF16"/> rows.</summary>
internal readonly unsafe struct BFloat16Format : IDenseFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.WidenBFloat16((ushort*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ScalarSimd.WidenBFloat16((ushort*)row + k);
}
