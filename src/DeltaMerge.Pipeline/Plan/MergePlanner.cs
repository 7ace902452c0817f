using System.Globalization;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Pipeline.Plan;

/// <summary>
/// Turns two tensor tables into a <see cref="MergePlan"/>, applying MT-LLaMA's apply_delta rules: every tensor of one
/// side must exist on the other with the same shape, except that the vocabulary tensors of the base may have fewer rows
/// (zero rows are appended); recomputed buffers are dropped; output is in LlamaForCausalLM's state_dict order and split
/// into shards the way <c>save_pretrained</c> does.
/// </summary>
public static class MergePlanner
{
    /// <summary>transformers' default <c>max_shard_size</c> ("5GB" = 5 * 10^9 bytes).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Plans <c>base + delta</c>.</summary>
    public static MergePlan PlanApplyDelta(IReadOnlyList<TensorEntry> baseTensors, IReadOnlyList<TensorEntry> deltaTensors, DType outputDType, long maxShardBytes) =>
        Plan(TensorOperation.Add, baseTensors, "base", deltaTensors, "delta", baseIsPrimary: true, outputDType, maxShardBytes);

    /// <summary>Plans <c>target - base</c> (FastChat's make_delta).</summary>
    public static MergePlan PlanMakeDelta(IReadOnlyList<TensorEntry> targetTensors, IReadOnlyList<TensorEntry> baseTensors, DType outputDType, long maxShardBytes) =>
        Plan(TensorOperation.Subtract, targetTensors, "target", baseTensors, "base", baseIsPrimary: false, outputDType, maxShardBytes);

    /// <summary>Plans a format conversion of one model: every floating-point tensor, in the source's storage order.</summary>
    public static MergePlan PlanConvert(IReadOnlyList<TensorEntry> source, string side, DType outputDType, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        var skipped = new List<SkippedTensor>();
        var kept = Keep(source, side, skipped);
        if (kept.Count == 0) throw new MergePlanException(MergePlanErrorKind.NoTensors, "(none)", $"the {side} has no tensors.");
        var tasks = new List<TensorTask>();
        long vocab = 0;
        foreach (var e in kept.Values)
        {
            if (!DTypeInfo.IsFloatingPoint(e.DType))
                throw new MergePlanException(MergePlanErrorKind.UnsupportedDType, e.Name, $"the {side} stores it as {e.DType}; only floating-point tensors are converted.");
            if (LlamaTensorNames.VocabularyTensors.Contains(e.Name)) vocab = TensorTask.RowsOf(e);
            tasks.Add(new TensorTask(e.Name, e.Shape, outputDType, TensorOperation.Convert, e, null));
        }
        return new MergePlan(TensorOperation.Convert, outputDType, Shard(InStorageOrder(tasks, source), maxShardBytes), skipped, vocab, vocab);
    }

    private static MergePlan Plan(TensorOperation op, IReadOnlyList<TensorEntry> primary, string primarySide,
        IReadOnlyList<TensorEntry> secondary, string secondarySide, bool baseIsPrimary, DType outputDType, long maxShardBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        if (!DTypeInfo.IsFloatingPoint(outputDType)) throw new ArgumentException($"output type {outputDType} is not floating point.", nameof(outputDType));
        var skipped = new List<SkippedTensor>();
        var primaryByName = Keep(primary, primarySide, skipped);
        var secondaryByName = Keep(secondary, secondarySide, skipped);

        if (primaryByName.Count == 0) throw new MergePlanException(MergePlanErrorKind.NoTensors, "(none)", $"the {primarySide} has no tensors to merge.");

        var tasks = new List<TensorTask>();
        long primaryVocab = 0, outputVocab = 0;
        foreach (string name in LlamaTensorNames.InCanonicalOrder(primaryByName.Keys))
        {
            var p = primaryByName[name];
            if (!secondaryByName.TryGetValue(name, out var s))
                throw new MergePlanException(MergePlanErrorKind.MissingInSecondary, name,
                    $"present in the {primarySide} with shape {p.ShapeText} but missing from the {secondarySide}.");
            foreach (var (e, side) in new[] { (p, primarySide), (s, secondarySide) })
                if (!DTypeInfo.IsFloatingPoint(e.DType))
                    throw new MergePlanException(MergePlanErrorKind.UnsupportedDType, name, $"the {side} stores it as {e.DType}; only floating-point tensors can be merged.");
            long[] shape = OutputShape(name, p, primarySide, s, secondarySide, baseIsPrimary);
            if (LlamaTensorNames.VocabularyTensors.Contains(name))
            {
                primaryVocab = TensorTask.RowsOf(p);
                outputVocab = shape[0];
            }
            tasks.Add(new TensorTask(name, shape, outputDType, op, p, s));
        }
        foreach (string name in secondaryByName.Keys)
            if (!primaryByName.ContainsKey(name))
                throw new MergePlanException(MergePlanErrorKind.MissingInPrimary, name,
                    $"present in the {secondarySide} with shape {secondaryByName[name].ShapeText} but missing from the {primarySide}.");
        return new MergePlan(op, outputDType, Shard(InStorageOrder(tasks, secondary), maxShardBytes), skipped, primaryVocab, outputVocab);
    }

    /// <summary>
    /// Tasks in the order the secondary input (the delta; the base for make-delta) stores its tensors, so that it is
    /// read strictly front to back. Deltas come as one or two large files, and torch.save lays a file's tensors out in
    /// the string order of their storage keys ("0", "1", "10", "100", ...), far from the state_dict order; the base's
    /// per-layer shards absorb the reordering within the hashing reader's read-ahead window. The order depends only on
    /// the secondary, so the same delta gives the same output bytes whatever form the base has (Hugging Face or Meta).
    /// </summary>
    private static List<TensorTask> InStorageOrder(List<TensorTask> tasks, IReadOnlyList<TensorEntry> secondary)
    {
        var position = new Dictionary<string, (int File, long Offset, int Index)>(StringComparer.Ordinal);
        var files = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < secondary.Count; i++)
        {
            var e = secondary[i];
            if (!files.TryGetValue(e.FilePath, out int f)) files[e.FilePath] = f = files.Count;
            position[e.Name] = (f, e.Offset, i);
        }
        return tasks.OrderBy(t => position[t.Name]).ToList();
    }

    private static Dictionary<string, TensorEntry> Keep(IReadOnlyList<TensorEntry> entries, string side, List<SkippedTensor> skipped)
    {
        var kept = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (LlamaTensorNames.IsRecomputedBuffer(e.Name))
            {
                skipped.Add(new SkippedTensor(e.Name, side, "buffer recomputed by every loader (rotary frequencies); not written"));
                continue;
            }
            kept.Add(e.Name, e);
        }
        return kept;
    }

    private static long[] OutputShape(string name, TensorEntry p, string pSide, TensorEntry s, string sSide, bool baseIsPrimary)
    {
        if (p.Shape.AsSpan().SequenceEqual(s.Shape)) return p.Shape;
        var (baseEntry, other) = baseIsPrimary ? (p, s) : (s, p);
        bool vocabGrowth = LlamaTensorNames.VocabularyTensors.Contains(name)
                           && baseEntry.Shape.Length == other.Shape.Length && baseEntry.Shape.Length >= 1
                           && baseEntry.Shape.AsSpan(1).SequenceEqual(other.Shape.AsSpan(1))
                           && baseEntry.Shape[0] < other.Shape[0];
        if (vocabGrowth) return other.Shape;
        throw new MergePlanException(MergePlanErrorKind.ShapeMismatch, name,
            $"the {pSide} has shape {p.ShapeText} but the {sSide} has {s.ShapeText}; shapes must match, except that the vocabulary " +
            $"tensors ({LlamaTensorNames.EmbedTokens}, {LlamaTensorNames.LmHead}) of the base may have fewer rows (added tokens such as [PAD]).");
    }

    /// <summary>
    /// Greedy split as transformers' save_pretrained: a tensor starts a new shard when it would push a non-empty shard
    /// past the limit; a tensor larger than the limit gets a shard of its own.
    /// </summary>
    private static List<OutputShard> Shard(List<TensorTask> tasks, long maxShardBytes)
    {
        var groups = new List<List<TensorTask>>();
        long current = 0;
        foreach (var t in tasks)
        {
            if (groups.Count == 0 || (current > 0 && current + t.OutputBytes > maxShardBytes))
            {
                groups.Add([]);
                current = 0;
            }
            groups[^1].Add(t);
            current += t.OutputBytes;
        }
        return groups.Select((g, i) => new OutputShard(ShardFileName(i + 1, groups.Count), g)).ToList();
    }

    /// <summary><c>model-0000K-of-0000N.safetensors</c>.</summary>
    public static string ShardFileName(int k, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"model-{k:D5}-of-{n:D5}.safetensors");
}
