using System.Buffers;
using System.Runtime.InteropServices;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;

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
}
