using DeltaMerge.Formats;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Weights;

/// <summary>A weight of a model directory (safetensors, torch.save <c>.bin</c>, Meta <c>.pth</c>) described by a <see cref="TensorEntry"/>.</summary>
internal sealed class EntryWeight : WeightSource
{
    private readonly TensorEntry _entry;
    private readonly ReaderPool _readers;

    public EntryWeight(TensorEntry entry, ReaderPool readers) : base(entry.Name, entry.Shape, entry.DType, entry.FilePath)
    {
        _entry = entry;
        _readers = readers;
    }

    public override void ReadRows(long start, long rows, Span<byte> destination)
    {
        if (_entry.Gather is not { } gather)
        {
            _readers.Get(_entry.FilePath).ReadExactly(_entry.Offset + start * RowBytes, destination);
            return;
        }
        // Rows stored in pieces (Meta's permuted, model-parallel shards): one read per coalesced range.
        int at = 0;
        foreach (var range in gather.RangesFor(start, rows))
        {
            int length = checked((int)range.Length);
            _readers.Get(range.FilePath).ReadExactly(range.Offset, destination.Slice(at, length));
            at += length;
        }
        if (at != destination.Length)
            throw new InvalidOperationException($"{Name}: the gather gave {at} bytes for {rows} rows, expected {destination.Length}.");
    }

    public override unsafe ResidentWeight MakeResident(MappedFiles maps)
    {
        WeightType type = DType switch
        {
            DType.F32 => WeightType.F32,
            DType.F16 => WeightType.F16,
            DType.BF16 => WeightType.BF16,
            _ => throw new ModelLoadException(ModelLoadErrorKind.UnsupportedTensorType,
                $"stored as {DType}; supported are F32, F16 and BF16 (and Q8_0 in GGUF).", FilePath, Name),
        };
        if (_entry.Gather is not null) return ResidentWeight.Copied(this, type);  // rows spread over parts: gather once
        var (rows, columns) = MatrixSize;
        return ResidentWeight.InPlace(Name, new WeightMatrix(maps.Pointer(FilePath, _entry.Offset, _entry.ByteLength), type, rows, columns));
    }
}
