namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// A tensor a <see cref="GgufWriter"/> will write. <paramref name="Shape"/> is in PyTorch / row-major order
/// (outermost first, e.g. <c>[n_vocab, n_embd]</c>); the file stores it reversed (GGUF <c>ne[0]</c> is the innermost,
/// contiguous dimension), as gguf-py's <c>add_tensor_info</c> does with a numpy shape. For block types such as
/// <see cref="GgmlType.Q8_0"/> the shape counts elements, not bytes, and its last entry must be a multiple of the block size.
/// </summary>
/// <param name="Name">GGUF tensor name, shorter than 64 UTF-8 bytes.</param>
/// <param name="Type">Storage type.</param>
/// <param name="Shape">Dimensions, outermost first; 1 to 4 of them, each positive.</param>
public sealed record GgufTensorSpec(string Name, GgmlType Type, long[] Shape);
