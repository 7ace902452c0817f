namespace DeltaMerge.Demo;

/// <summary>
/// Element-by-element comparison of a merged model with the fine-tuned model it should restore, split by whether the
/// published difference <c>finetuned - base</c> is itself an fp16 value: where it is, the delta holds it exactly and
/// base + delta must give the fine-tuned value back exactly; where it is not, the delta holds it rounded and the sum
/// may land one fp16 step away.
/// </summary>
/// <param name="Tensors">Tensors compared.</param>
/// <param name="Elements">Elements compared.</param>
/// <param name="DifferingElements">Elements whose merged value differs from the fine-tuned value (+0 and -0 count as equal).</param>
/// <param name="MaxAbsDiff">Largest absolute difference, in float64 (0 when none differ).</param>
/// <param name="DifferingTensors">Tensors with at least one differing element.</param>
/// <param name="ExactDeltaElements">Elements whose <c>finetuned - base</c> fp16 represents exactly.</param>
/// <param name="DifferingWhereExact">Differing elements among <paramref name="ExactDeltaElements"/> (0 for a correct merge).</param>
public sealed record TensorComparison(int Tensors, long Elements, long DifferingElements, double MaxAbsDiff, int DifferingTensors,
    long ExactDeltaElements, long DifferingWhereExact)
{
    /// <summary>Elements whose difference fp16 had to round.</summary>
    public long RoundedDeltaElements => Elements - ExactDeltaElements;

    /// <summary>
    /// Compares every tensor of <paramref name="mergedDirectory"/> with the same tensor of
    /// <paramref name="fineTunedDirectory"/>, classifying each element by its difference from
    /// <paramref name="baseDirectory"/> (rows the base lacks, such as an added [PAD] row, count as base 0).
    /// </summary>
    /// <exception cref="InvalidOperationException">The models do not hold the same tensors with compatible shapes.</exception>
    public static TensorComparison Compare(string mergedDirectory, string fineTunedDirectory, string baseDirectory)
    {
        var merged = ModelTensors.ReadF16(mergedDirectory);
        var tuned = ModelTensors.ReadF16(fineTunedDirectory);
        var bases = ModelTensors.ReadF16(baseDirectory);
        if (!merged.Keys.Order(StringComparer.Ordinal).SequenceEqual(tuned.Keys.Order(StringComparer.Ordinal)))
            throw new InvalidOperationException($"{mergedDirectory} and {fineTunedDirectory} hold different tensors.");
        long elements = 0, differing = 0, exact = 0, differingExact = 0;
        double max = 0;
        int differingTensors = 0;
        foreach (var (name, m) in merged)
        {
            var t = tuned[name];
            var b = bases.TryGetValue(name, out var bt) ? bt.Values : [];
            if (!m.Shape.SequenceEqual(t.Shape) || b.Length > t.Values.Length)
                throw new InvalidOperationException($"{name} has shape [{string.Join(", ", m.Shape)}] in {mergedDirectory} and [{string.Join(", ", t.Shape)}] in {fineTunedDirectory}.");
            long before = differing;
            for (int i = 0; i < m.Values.Length; i++)
            {
                // Both are fp16 values, so their difference is exact in float64.
                double delta = (double)t.Values[i] - (i < b.Length ? (double)b[i] : 0);
                bool representable = (double)(Half)delta == delta;
                if (representable) exact++;
                if (m.Values[i] == t.Values[i]) continue;
                differing++;
                if (representable) differingExact++;
                max = Math.Max(max, Math.Abs((double)m.Values[i] - (double)t.Values[i]));
            }
            elements += m.Values.Length;
            if (differing > before) differingTensors++;
        }
        return new TensorComparison(merged.Count, elements, differing, max, differingTensors, exact, differingExact);
    }
}
