namespace DeltaMerge.Formats.Meta;

/// <summary>How Meta's model-parallel shards hold a tensor (fairscale's parallel layers).</summary>
public enum MetaSplit
{
    /// <summary>Every shard holds the whole tensor (norms, rope.freqs); shard 0's copy is used.</summary>
    Replicated,
    /// <summary>Each shard holds a block of rows (ColumnParallelLinear: wq, wk, wv, w1, w3, output): concatenate along dim 0.</summary>
    Rows,
    /// <summary>Each shard holds a block of columns (RowParallelLinear wo, w2; ParallelEmbedding tok_embeddings): concatenate along dim 1.</summary>
    Columns,
}
