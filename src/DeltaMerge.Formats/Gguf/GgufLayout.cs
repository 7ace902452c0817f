using System.Text;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// The byte layout of a GGUF file, computed before anything is written: header, metadata and tensor infos
/// (<see cref="HeaderLength"/> bytes), zero padding to <see cref="Alignment"/>, then each tensor at
/// <see cref="DataOffset"/> + its relative offset, each padded to the alignment (the last one too, as gguf-py does).
/// </summary>
/// <param name="Alignment">Data alignment (from <c>general.alignment</c>, else 32).</param>
/// <param name="HeaderLength">Bytes of header + metadata + tensor infos, before padding.</param>
/// <param name="DataOffset">Absolute offset of the data section.</param>
/// <param name="Tensors">The tensors in declared order.</param>
/// <param name="FileLength">Size of the complete file.</param>
public sealed record GgufLayout(int Alignment, long HeaderLength, long DataOffset, IReadOnlyList<GgufTensorPlacement> Tensors, long FileLength)
{
    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/> (a power of two), checked.</summary>
    public static long Align(long value, int alignment) => checked(value + alignment - 1) & ~((long)alignment - 1);

    /// <summary>True for 1, 2, 4, ... within <see cref="uint"/>.</summary>
    public static bool IsPowerOfTwo(ulong value) => value != 0 && (value & (value - 1)) == 0;

    /// <summary>Computes the layout of the file a writer would produce for these inputs, without writing anything.</summary>
    /// <exception cref="ArgumentException">The metadata or tensor list is invalid (see <see cref="GgufWriter"/>).</exception>
    public static GgufLayout Compute(IReadOnlyList<GgufKeyValue> metadata, IReadOnlyList<GgufTensorSpec> tensors) =>
        Build(metadata, tensors).Layout;

    /// <summary>Validates the inputs and encodes header, metadata, tensor infos and padding.</summary>
    internal static (byte[] Header, GgufLayout Layout) Build(IReadOnlyList<GgufKeyValue> metadata, IReadOnlyList<GgufTensorSpec> tensors)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        int alignment = ValidateMetadata(metadata);

        var lengths = new long[tensors.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            GgufTensorSpec t = tensors[i] ?? throw new ArgumentException($"Tensor {i} is null.", nameof(tensors));
            lengths[i] = ValidateTensor(t);
            if (!names.Add(t.Name)) throw new ArgumentException($"Duplicate tensor name '{t.Name}'.", nameof(tensors));
        }

        var encoder = new GgufEncoder();
        encoder.Header(tensors.Count, metadata.Count);
        foreach (GgufKeyValue kv in metadata) encoder.KeyValue(kv.Key, kv.Value);
        var relative = new long[tensors.Count];
        long dataLength = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            relative[i] = dataLength;
            encoder.TensorInfo(tensors[i].Name, tensors[i].Type, tensors[i].Shape, dataLength);
            dataLength = checked(dataLength + Align(lengths[i], alignment));
        }
        long headerLength = encoder.Length;
        encoder.PadTo(alignment);
        long dataOffset = encoder.Length;

        var placements = new GgufTensorPlacement[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
            placements[i] = new GgufTensorPlacement(tensors[i].Name, dataOffset + relative[i], lengths[i], Align(lengths[i], alignment));
        var layout = new GgufLayout(alignment, headerLength, dataOffset, placements, checked(dataOffset + dataLength));
        return (encoder.WrittenSpan.ToArray(), layout);
    }

    private static int ValidateMetadata(IReadOnlyList<GgufKeyValue> metadata)
    {
        int alignment = GgufConstants.DefaultAlignment;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (GgufKeyValue kv in metadata)
        {
            if (kv is null || kv.Value is null) throw new ArgumentException("Null metadata entry.", nameof(metadata));
            if (string.IsNullOrEmpty(kv.Key)) throw new ArgumentException("Metadata keys cannot be empty.", nameof(metadata));
            if (!keys.Add(kv.Key)) throw new ArgumentException($"Duplicate metadata key '{kv.Key}'.", nameof(metadata));
            if (kv.Key == GgufKeys.GeneralAlignment)
            {
                if (kv.Value.Value is not uint a || !IsPowerOfTwo(a) || a > int.MaxValue)
                    throw new ArgumentException($"'{GgufKeys.GeneralAlignment}' must be a uint32 power of two, got {kv.Value}.", nameof(metadata));
                alignment = (int)a;
            }
        }
        return alignment;
    }

    private static long ValidateTensor(GgufTensorSpec t)
    {
        if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("Tensor names cannot be empty.", nameof(t));
        if (Encoding.UTF8.GetByteCount(t.Name) >= GgufConstants.MaxTensorNameBytes)
            throw new ArgumentException($"Tensor name '{t.Name}' has {Encoding.UTF8.GetByteCount(t.Name)} bytes; llama.cpp needs fewer than {GgufConstants.MaxTensorNameBytes}.", nameof(t));
        if (!GgmlTypeInfo.IsKnown(t.Type)) throw new ArgumentException($"Tensor '{t.Name}' has unknown {GgmlTypeInfo.Describe(t.Type)}.", nameof(t));
        long[] shape = t.Shape ?? throw new ArgumentException($"Tensor '{t.Name}' has no shape.", nameof(t));
        if (shape.Length is 0 or > GgufConstants.MaxDimensions)
            throw new ArgumentException($"Tensor '{t.Name}' has {shape.Length} dimensions; GGUF takes 1 to {GgufConstants.MaxDimensions}.", nameof(t));
        if (shape.Any(d => d <= 0))
            throw new ArgumentException($"Tensor '{t.Name}' has shape {TensorEntry.FormatShape(shape)}; every dimension must be positive.", nameof(t));
        int block = GgmlTypeInfo.BlockSize(t.Type);
        if (shape[^1] % block != 0)
            throw new ArgumentException($"Tensor '{t.Name}' of type {t.Type}: rows of {shape[^1]} elements are not a multiple of the block size {block}.", nameof(t));
        try
        {
            return GgmlTypeInfo.ByteSize(t.Type, shape);
        }
        catch (OverflowException ex)
        {
            throw new ArgumentException($"Tensor '{t.Name}' of shape {TensorEntry.FormatShape(shape)} is too large.", nameof(t), ex);
        }
    }
}
