using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// How a row of one <see cref="WeightType"/> is read as float32: a vector of elements from element k (a multiple of the
/// vector width), or one element for the tail. Every element widens exactly.
/// </summary>
internal unsafe interface IWeightFormat
{
    /// <summary>
    /// Whether a weight vector takes several instructions to widen (F16, Q8_0): a 4 × 4 tile of those runs out of
    /// registers, so batches use 2 output rows × 4 activation rows instead.
    /// </summary>
    static abstract bool CostlyToWiden { get; }

    static abstract TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct;

    static abstract float LoadOne(byte* row, int k);
}

/// <summary><see cref="WeightType.F32"/> rows.</summary>
internal readonly unsafe struct F32Format : IWeightFormat
{
    public static bool CostlyToWiden => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.Load((float*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ((float*)row)[k];
}

/// <summary><see cref="WeightType.F16"/> rows.</summary>
internal readonly unsafe struct F16Format : IWeightFormat
{
    public static bool CostlyToWiden => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.WidenHalf((ushort*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ScalarSimd.WidenHalf((ushort*)row + k);
}

/// <summary><see cref="WeightType.BF16"/> rows.</summary>
internal readonly unsafe struct BFloat16Format : IWeightFormat
{
    public static bool CostlyToWiden => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct => TSimd.WidenBFloat16((ushort*)row + k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k) => ScalarSimd.WidenBFloat16((ushort*)row + k);
}

/// <summary>
/// <see cref="WeightType.Q8_0"/> rows: element k is float(d)·q of its block, an exact product (11 × 8 significant
/// bits), so Q8_0 sums in the same order as the other types. A vector never straddles two blocks (32 is a multiple of
/// every width).
/// </summary>
internal readonly unsafe struct Q8Format : IWeightFormat
{
    public static bool CostlyToWiden => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TSimd, TVec>(byte* row, int k) where TSimd : ISimd<TVec> where TVec : struct
    {
        byte* block = row + (uint)k / WeightMatrix.Q8BlockElements * WeightMatrix.Q8BlockBytes;
        return TSimd.Multiply(TSimd.Broadcast(HalfTable.Values[*(ushort*)block]), TSimd.WidenSByte((sbyte*)block + 2 + (uint)k % WeightMatrix.Q8BlockElements));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadOne(byte* row, int k)
    {
        byte* block = row + (uint)k / WeightMatrix.Q8BlockElements * WeightMatrix.Q8BlockBytes;
        return HalfWidening.Widen(*(ushort*)block) * ((sbyte*)block)[2 + (uint)k % WeightMatrix.Q8BlockElements];
    }
}
