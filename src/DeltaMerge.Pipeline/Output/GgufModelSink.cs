using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>
/// Writes a plan's tensors as one llama.cpp GGUF file, the way convert_hf_to_gguf.py lays out a LLaMA: GGUF tensor
/// names, q/k rows permuted from the Hugging Face rotary layout into llama.cpp's, 1-D tensors as F32, the chosen type
/// for matrices (Q8_0 quantized bit-identically to llama.cpp's reference). Streams chunk by chunk; only q/k tensors
/// (hidden x hidden) are held whole, for the permutation. The file is hashed as it is written.
/// </summary>
public sealed class GgufModelSink : ITensorSink
{
    private readonly HashingWriteStream _stream;
    private readonly GgufWriter _writer;
    private readonly GgufOutputType _type;
    private readonly LlamaGgufMetadata.Hyperparameters _h;
    private readonly string _fileName;
    private TensorTask? _task;
    private string _ggufName = "";
    private GgmlType _ggmlType;
    private LlamaRotaryPermutation? _permutation;
    private byte[]? _whole;
    private int _wholeLength;
    private byte[]? _permuted;
    private float[]? _floats;
    private byte[]? _encoded;

    /// <summary>Declares the metadata and every tensor of <paramref name="plan"/> and writes the header to <paramref name="output"/>.</summary>
    public GgufModelSink(Stream output, string fileName, MergePlan plan, GgufOutputType type, string modelName,
        LlamaGgufMetadata.Hyperparameters hyperparameters, LlamaVocabulary vocab)
    {
        _stream = new HashingWriteStream(output);
        _writer = new GgufWriter(_stream, leaveOpen: true);
        _type = type;
        _h = hyperparameters;
        _fileName = fileName;
        LlamaGgufMetadata.Write(_writer, modelName, hyperparameters, GgufOutputTypes.FileType(type), vocab);
        foreach (var task in plan.Tasks)
            _writer.AddTensorInfo(LlamaGgufNames.ToGguf(task.Name), GgufOutputTypes.TensorType(type, task.OutputShape), task.OutputShape);
        _writer.WriteHeaderAndInfos();
    }

    /// <inheritdoc />
    public void BeginTensor(TensorTask task)
    {
        _task = task;
        _ggufName = LlamaGgufNames.ToGguf(task.Name);
        _ggmlType = GgufOutputTypes.TensorType(_type, task.OutputShape);
        _permutation = null;
        if (LlamaGgufNames.NeedsRotaryPermutation(task.Name, out bool isKey))
        {
            int rows = checked((int)task.Rows);
            _permutation = isKey ? LlamaRotaryPermutation.ForKey(rows, _h.Heads, _h.KvHeads) : LlamaRotaryPermutation.ForQuery(rows, _h.Heads);
            // Reused across q/k tensors (all the same size): fresh 32 MB arrays per tensor would grow the heap.
            int bytes = checked((int)task.OutputBytes);
            if (_whole == null || _whole.Length < bytes) _whole = new byte[bytes];
            _wholeLength = 0;
        }
    }

    /// <inheritdoc />
    public void WriteChunk(ReadOnlySpan<byte> bytes)
    {
        if (_permutation != null)
        {
            bytes.CopyTo(_whole.AsSpan(_wholeLength));
            _wholeLength += bytes.Length;
        }
        else Encode(bytes);
    }

    /// <inheritdoc />
    public void EndTensor()
    {
        if (_permutation != null)
        {
            int rowBytes = checked((int)(_task!.RowElements * DTypeInfo.SizeOf(_task.OutputDType)));
            var permuted = Rent(ref _permuted, _wholeLength);
            _permutation.Apply(_whole.AsSpan(0, _wholeLength), permuted, rowBytes);
            Encode(permuted);
            _permutation = null;
        }
        _task = null;
    }

    /// <summary>Converts whole rows of the plan's output type into the tensor's ggml type and writes them.</summary>
    private void Encode(ReadOnlySpan<byte> bytes)
    {
        var source = _task!.OutputDType;
        if (bytes.Length == 0)
        {
            _writer.WriteTensorChunk(_ggufName, []);
            return;
        }
        if (GgmlTypeInfo.TryGetDType(_ggmlType, out var same) && same == source)
        {
            _writer.WriteTensorChunk(_ggufName, bytes);
            return;
        }
        int count = bytes.Length / DTypeInfo.SizeOf(source);
        // Buffers are kept and reused: a chunk is at most a few MB, and fresh arrays per chunk would grow the heap.
        Span<float> values = Rent(ref _floats, count);
        ToFloat(bytes, source, values);
        int encodedLength = checked((int)GgmlTypeInfo.ByteSize(_ggmlType, count));
        Span<byte> encoded = Rent(ref _encoded, encodedLength);
        switch (_ggmlType)
        {
            case GgmlType.F32: System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(encoded); break;
            case GgmlType.F16: GgmlConvert.ToF16(values, encoded); break;
            case GgmlType.BF16: GgmlConvert.ToBF16(values, encoded); break;
            case GgmlType.Q8_0: QuantizeInParallel(count); break;
            default: throw new InvalidOperationException($"No encoder for {_ggmlType}.");
        }
        _writer.WriteTensorChunk(_ggufName, encoded);
    }

    /// <summary>Q8_0 blocks are independent: quantize the chunk on every core, in whole blocks.</summary>
    private void QuantizeInParallel(int count)
    {
        int blockSize = GgmlQuantizer.Q8_0BlockSize, blockBytes = GgmlQuantizer.Q8_0BytesPerBlock;
        int blocks = count / blockSize;
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, blocks / 4096));
        float[] floats = _floats!;
        byte[] encoded = _encoded!;
        Parallel.For(0, parts, part =>
        {
            int first = (int)((long)blocks * part / parts), last = (int)((long)blocks * (part + 1) / parts);
            GgmlQuantizer.QuantizeQ8_0(floats.AsSpan(first * blockSize, (last - first) * blockSize),
                encoded.AsSpan(first * blockBytes, (last - first) * blockBytes));
        });
    }

    private static Span<T> Rent<T>(ref T[]? buffer, int length)
    {
        if (buffer == null || buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, length);
    }

    private static void ToFloat(ReadOnlySpan<byte> bytes, DType dtype, Span<float> result)
    {
        switch (dtype)
        {
            case DType.F32:
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                return;
            case DType.F16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes), result);
                return;
            case DType.BF16:
            {
                var raw = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < raw.Length; i++) result[i] = GgmlConvert.FromBF16Bits(raw[i]);
                return;
            }
            default:
                throw new InvalidOperationException($"GGUF output cannot encode {dtype} results.");
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WrittenFile> Complete()
    {
        _writer.Complete();
        _stream.FlushToDisk();
        return [new WrittenFile(_fileName, _stream.Length, _stream.FinishSha256())];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }
}
