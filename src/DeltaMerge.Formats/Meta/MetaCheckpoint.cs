using System.Globalization;
using System.Text.RegularExpressions;
using DeltaMerge.Formats.Gather;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Pickle;

namespace DeltaMerge.Formats.Meta;

/// <summary>
/// Meta's original LLaMA release (<c>params.json</c> + <c>consolidated.NN.pth</c>, one per model-parallel rank) seen as
/// the Hugging Face checkpoint <c>convert_llama_weights_to_hf.py</c> would make of it: HF names, shards concatenated,
/// wq/wk rows in the HF rotary layout. Nothing is converted on disk; each tensor's <see cref="TensorEntry.Gather"/> says
/// where its rows lie, so the merge streams straight from the .pth files.
/// </summary>
public static partial class MetaCheckpoint
{
    /// <summary>Matches the shard files; the number is the model-parallel rank.</summary>
    public const string ShardSearchPattern = "consolidated.*.pth";

    /// <summary>The shard files of <paramref name="directory"/>, ordered by rank (empty when there are none).</summary>
    /// <exception cref="CheckpointFormatException">The ranks are not 00, 01, … without gaps (<see cref="FormatErrorKind.MetaShardMissing"/>).</exception>
    public static IReadOnlyList<string> FindShards(string directory)
    {
        var ranked = Directory.GetFiles(directory, ShardSearchPattern)
            .Select(f => (File: f, Match: ShardName().Match(Path.GetFileName(f))))
            .Where(p => p.Match.Success)
            .Select(p => (p.File, Rank: int.Parse(p.Match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)))
            .OrderBy(p => p.Rank)
            .ToList();
        for (int i = 0; i < ranked.Count; i++)
            if (ranked[i].Rank != i)
                throw new CheckpointFormatException(FormatErrorKind.MetaShardMissing,
                    $"{ShardFileName(i)} is missing: shards must be numbered from 00 without gaps (found {string.Join(", ", ranked.Select(r => Path.GetFileName(r.File)))}).",
                    directory);
        return ranked.Select(p => p.File).ToList();
    }

    /// <summary>The file name of rank <paramref name="rank"/>'s shard.</summary>
    public static string ShardFileName(int rank) => $"consolidated.{rank:D2}.pth";

    /// <summary>
    /// Reads the tensor tables of <paramref name="shards"/> (through readers from <paramref name="open"/>; no tensor data)
    /// and returns the Hugging Face-named tensors in HF state_dict order, then <c>rope.freqs</c> when present (a recomputed
    /// buffer the planner skips). Checks every tensor against <paramref name="parameters"/>.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A malformed shard, a shard missing, a tensor missing, unexpected or of the wrong shape.</exception>
    public static IReadOnlyList<TensorEntry> ReadTensors(MetaParams parameters, IReadOnlyList<string> shards, Func<string, IByteReader> open)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (shards.Count == 0) throw new ArgumentException("at least one shard is needed.", nameof(shards));
        var tables = shards.Select(s => TorchZipCheckpoint.ReadTensors(open(s)).ToDictionary(e => e.Name, StringComparer.Ordinal)).ToList();
        int shardCount = CountShards(parameters, shards, tables[0]);
        if (shardCount > shards.Count)
            throw new CheckpointFormatException(FormatErrorKind.MetaShardMissing,
                $"{TensorEntry.FormatShape(tables[0][MetaTensorNames.TokEmbeddings].Shape)} of {MetaTensorNames.TokEmbeddings} means {shardCount} model-parallel shards, " +
                $"but only {shards.Count} are present; missing: {string.Join(", ", Enumerable.Range(shards.Count, shardCount - shards.Count).Select(ShardFileName))}.",
                Path.GetDirectoryName(shards[0]));
        if (shardCount < shards.Count)
            throw new CheckpointFormatException(FormatErrorKind.MetaShapeMismatch,
                $"{shards.Count} shards are present, but {MetaTensorNames.TokEmbeddings} {TensorEntry.FormatShape(tables[0][MetaTensorNames.TokEmbeddings].Shape)} " +
                $"is split for {shardCount} (dim {parameters.Dim}).", shards[0], MetaTensorNames.TokEmbeddings);

        long vocab = parameters.VocabSize != MetaParams.VocabFromEmbeddings ? parameters.VocabSize : tables[0][MetaTensorNames.TokEmbeddings].Shape[0];
        var used = tables.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToList();
        var entries = new List<TensorEntry>();
        foreach (var (rule, layer) in InStateDictOrder(parameters.Layers))
        {
            string metaName = rule.MetaNameFor(layer);
            var parts = new List<TensorEntry>(shards.Count);
            for (int i = 0; i < shards.Count; i++)
            {
                if (!tables[i].TryGetValue(metaName, out var part))
                    throw new CheckpointFormatException(FormatErrorKind.MetaTensorMissing,
                        $"params.json ({parameters.Layers} layers) implies this tensor, but the shard does not hold it.", shards[i], metaName);
                used[i].Add(metaName);
                parts.Add(part);
            }
            entries.Add(Combine(rule, layer, parts, rule.Shape(parameters, vocab), parameters));
        }

        // rope.freqs is passed on under its own name, so the plan reports it as skipped.
        if (tables[0].TryGetValue(MetaTensorNames.RopeFreqs, out var freqs)) entries.Add(freqs);
        for (int i = 0; i < tables.Count; i++)
            foreach (string name in tables[i].Keys)
                if (name != MetaTensorNames.RopeFreqs && !used[i].Contains(name))
                    throw new CheckpointFormatException(FormatErrorKind.MetaUnexpectedTensor,
                        $"not a tensor of a LLaMA checkpoint with {parameters.Layers} layers.", shards[i], name);
        return entries;
    }

    // Global tensors listed before the first per-layer rule, then each layer's tensors, then the remaining globals.
    private static IEnumerable<(MetaTensorRule Rule, int Layer)> InStateDictOrder(int layers)
    {
        var rules = MetaTensorNames.Rules;
        int firstPerLayer = rules.TakeWhile(r => !r.PerLayer).Count();
        foreach (var r in rules.Take(firstPerLayer)) yield return (r, 0);
        for (int layer = 0; layer < layers; layer++)
            foreach (var r in rules.Where(r => r.PerLayer)) yield return (r, layer);
        foreach (var r in rules.Skip(firstPerLayer).Where(r => !r.PerLayer)) yield return (r, 0);
    }

    // tok_embeddings is split along dim 1 (ParallelEmbedding), so its columns in shard 0 give the rank count.
    private static int CountShards(MetaParams p, IReadOnlyList<string> shards, Dictionary<string, TensorEntry> first)
    {
        if (!first.TryGetValue(MetaTensorNames.TokEmbeddings, out var tok))
            throw new CheckpointFormatException(FormatErrorKind.MetaTensorMissing, "every Meta checkpoint shard holds the token embeddings.", shards[0], MetaTensorNames.TokEmbeddings);
        if (tok.Shape.Length != 2 || tok.Shape[1] <= 0 || p.Dim % tok.Shape[1] != 0)
            throw new CheckpointFormatException(FormatErrorKind.MetaShapeMismatch,
                $"expected [vocab, {p.Dim} / shards], found {tok.ShapeText}.", shards[0], MetaTensorNames.TokEmbeddings);
        return (int)(p.Dim / tok.Shape[1]);
    }

    private static TensorEntry Combine(MetaTensorRule rule, int layer, List<TensorEntry> parts, long[] shape, MetaParams p)
    {
        string metaName = rule.MetaNameFor(layer);
        int n = parts.Count;
        int splitDim = rule.Split switch { MetaSplit.Rows => 0, MetaSplit.Columns => 1, _ => -1 };
        if (splitDim >= 0 && shape[splitDim] % n != 0)
            throw new CheckpointFormatException(FormatErrorKind.MetaShapeMismatch,
                $"dimension {splitDim} of the full shape {TensorEntry.FormatShape(shape)} does not split into {n} shards.", parts[0].FilePath, metaName);
        long[] partShape = (long[])shape.Clone();
        if (splitDim >= 0) partShape[splitDim] /= n;
        foreach (var part in parts)
        {
            if (!part.Shape.AsSpan().SequenceEqual(partShape))
                throw new CheckpointFormatException(FormatErrorKind.MetaShapeMismatch,
                    $"expected {TensorEntry.FormatShape(partShape)} (full {TensorEntry.FormatShape(shape)} from params.json over {n} shard(s)), found {part.ShapeText}.",
                    part.FilePath, metaName);
            if (part.DType != parts[0].DType)
                throw new CheckpointFormatException(FormatErrorKind.MetaShapeMismatch,
                    $"stored as {part.DType}, but as {parts[0].DType} in {Path.GetFileName(parts[0].FilePath)}.", part.FilePath, metaName);
        }

        string hfName = rule.HfNameFor(layer);
        var first = parts[0];
        bool plain = rule.Rotary == MetaRotary.None && (rule.Split == MetaSplit.Replicated || n == 1);
        if (plain) return first with { Name = hfName };

        RowGather gather = n == 1
            ? ContiguousRows.Of(first)
            : rule.Split == MetaSplit.Rows
                ? new ConcatenatedRows(parts.Select(ContiguousRows.Of).ToList())
                : new JoinedColumns(parts.Select(ContiguousRows.Of).ToList());
        if (rule.Rotary != MetaRotary.None)
            gather = new PermutedRows(gather, MetaRotaryPermutation.SourceRows(shape[0], rule.Rotary == MetaRotary.Query ? p.Heads : p.KeyValueHeads));
        return new TensorEntry(hfName, first.DType, shape, first.FilePath, first.Offset, DTypeInfo.ByteSize(first.DType, shape)) { Gather = gather };
    }

    [GeneratedRegex(@"^consolidated\.(\d{2,6})\.pth$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardName();
}
