namespace DeltaMerge.Formats.Meta;

/// <summary>Whether a tensor's rows are in Meta's interleaved rotary layout and must be permuted to the HF one.</summary>
public enum MetaRotary
{
    /// <summary>Rows are kept as stored.</summary>
    None,
    /// <summary>wq: permuted per <c>n_heads</c> heads.</summary>
    Query,
    /// <summary>wk: permuted per <c>n_kv_heads</c> heads.</summary>
    Key,
}
