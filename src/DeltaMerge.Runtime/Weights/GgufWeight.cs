using System.Buffers;
using System.Runtime.InteropServices;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// A weight of a GGUF file in Hugging Face layout: plain types are read as stored, Q8_0 rows are dequantized to float32,
/// and q/k rows are read in the inverse of llama.cpp's rotary permutation so one forward serves both formats.
/// </summary>
internal sealed class GgufWeight : WeightSource
{
    private readonly GgufTensorInfo _info;
    private readonly IByteReader _reader;
    private readonly LlamaRotaryPermutation? _toHf;  // hf row r = file row _toHf.SourceRowFor(r)
    private readonly long _fileRowBytes;

    public GgufWeight(string hfName, GgufTensorInfo info, DType delivered, IByteReader reader, LlamaRotaryPermutation? toHf)
        : base(hfName, info.Shape, delivered, reader.FilePath)
    {
        _info = info;
        _reader = reader;
        _toHf = toHf;
        _fileRowBytes = GgmlTypeInfo.ByteSize(info.Type, RowElements);
    }

    public override void ReadRows(long start, long rows, Span<byte> destination)
    {
        bool quantized = _info.Type == GgmlType.Q8_0;
        long fileBytes = checked(rows * _fileRowBytes);
        byte[]? rented = quantized ? ArrayPool<byte>.Shared.Rent(checked((int)fileBytes)) : null;
        try
        {
            Span<byte> raw = quantized ? rented.AsSpan(0, (int)fileBytes) : destination;
            if (_toHf is null)
                _reader.ReadExactly(_info.Offset + start * _fileRowBytes, raw);
            else
                for (long r = 0; r < rows; r++)
                    _reader.ReadExactly(_info.Offset + _toHf.SourceRowFor(checked((int)(start + r))) * _fileRowBytes,
                        raw.Slice(checked((int)(r * _fileRowBytes)), (int)_fileRowBytes));
            if (quantized) GgmlQuantizer.DequantizeQ8_0(raw, MemoryMarshal.Cast<byte, float>(destination));
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override unsafe ResidentWeight MakeResident(MappedFiles maps)
    {
        WeightType type = _info.Type switch
        {
            GgmlType.F32 => WeightType.F32,
            GgmlType.F16 => WeightType.F16,
            GgmlType.BF16 => WeightType.BF16,
            GgmlType.Q8_0 => WeightType.Q8_0,
            _ => throw new ModelLoadException(ModelLoadErrorKind.UnsupportedTensorType,
                $"stored as {GgmlTypeInfo.Describe(_info.Type)}; supported are F32, F16, BF16 and Q8_0.", FilePath, Name),
        };
        var (rows, columns) = MatrixSize;
        // q/k rows stay in llama.cpp's order in the file; the row map reads them in Hugging Face order.
        int[]? rowMap = _toHf is null ? null : Enumerable.Range(0, rows).Select(_toHf.SourceRowFor).ToArray();
        return ResidentWeight.InPlace(Name, new WeightMatrix(maps.Pointer(FilePath, _info.Offset, _info.ByteLength), type, rows, columns, rowMap));
    }
}
