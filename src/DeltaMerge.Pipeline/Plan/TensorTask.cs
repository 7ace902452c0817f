using DeltaMerge.Formats;

namespace DeltaMerge.Pipeline.Plan;

/// <summary>
/// One output tensor: <c>round(f32(fp16(Primary)) op f32(fp16(Secondary)))</c> to <see cref="OutputDType"/>. An operand
/// with fewer rows than <see cref="OutputShape"/> is extended with zero rows (the vocabulary rule of MT-LLaMA's apply_delta).
/// </summary>
/// <param name="Name">Output tensor name.</param>
/// <param name="OutputShape">Shape written.</param>
/// <param name="OutputDType">Element type written.</param>
/// <param name="Operation">The arithmetic.</param>
/// <param name="Primary">Left operand (base for a merge, target for make-delta).</param>
/// <param name="Secondary">Right operand (delta for a merge, base for make-delta); null for a conversion.</param>
public sealed record TensorTask(string Name, long[] OutputShape, DType OutputDType, TensorOperation Operation, TensorEntry Primary, TensorEntry? Secondary)
{
    /// <summary>Bytes written for this tensor.</summary>
    public long OutputBytes => DTypeInfo.ByteSize(OutputDType, OutputShape);

    /// <summary>Rows (first dimension; 1 for a scalar).</summary>
    public long Rows => OutputShape.Length == 0 ? 1 : OutputShape[0];

    /// <summary>Elements per row.</summary>
    public long RowElements => OutputShape.Length <= 1 ? 1 : DTypeInfo.ElementCount(OutputShape.AsSpan(1));

    /// <summary>Zero rows appended to the primary operand.</summary>
    public long PrimaryPaddingRows => Rows - RowsOf(Primary);

    /// <summary>Zero rows appended to the secondary operand.</summary>
    public long SecondaryPaddingRows => Secondary is null ? 0 : Rows - RowsOf(Secondary);

    /// <summary>Rows an operand has.</summary>
    public static long RowsOf(TensorEntry e) => e.Shape.Length == 0 ? 1 : e.Shape[0];
}
