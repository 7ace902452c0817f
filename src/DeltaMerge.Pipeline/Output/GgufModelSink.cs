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
    private MemoryStream? _whole;

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
        _whole = null;
        if (LlamaGgufNames.NeedsRotaryPermutation(task.Name, out bool isKey))
        {
            int rows = checked((int)task.Rows);
            _permutation = isKey ? LlamaRotaryPermutation.ForKey(rows, _h.Heads, _h.KvHeads) : LlamaRotaryPermutation.ForQuery(rows, _h.Heads);
            _whole = new MemoryStream(checked((int)task.OutputBytes));
        }
    }

    /// <inheritdoc />
    public void WriteChunk(ReadOnlySpan<byte> bytes)
    {
        if (_whole != null) _whole.Write(bytes);
        else Encode(bytes);
    }

    /// <inheritdoc />
    public void EndTensor()
    {
        if (_whole != null)
        {
            int rowBytes = checked((int)(_task!.RowElements * DTypeInfo.SizeOf(_task.OutputDType)));
            Encode(_permutation!.Apply(_whole.GetBuffer().AsSpan(0, (int)_whole.Length), rowBytes));
            _whole = null;
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
        float[] values = ToFloat(bytes, source);
        byte[] encoded = new byte[GgmlTypeInfo.ByteSize(_ggmlType, values.LongLength)];
        switch (_ggmlType)
        {
            case GgmlType.F32: System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(encoded); break;
            case GgmlType.F16: GgmlConvert.ToF16(values, encoded); break;
            case GgmlType.BF16: GgmlConvert.ToBF16(values, encoded); break;
            case GgmlType.Q8_0: GgmlQuantizer.QuantizeQ8_0(values, encoded); break;
            default: throw new InvalidOperationException($"No encoder for {_ggmlType}.");
        }
        _writer.WriteTensorChunk(_ggufName, encoded);
    }

    private static float[] ToFloat(ReadOnlySpan<byte> bytes, DType dtype)
    {
        switch (dtype)
        {
            case DType.F32:
                return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case DType.F16:
            {
                var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes);
                var result = new float[halves.Length];
                for (int i = 0; i < halves.Length; i++) result[i] = (float)halves[i];
                return result;
            }
            case DType.BF16:
            {
                var raw = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes);
                var result = new float[raw.Length];
                for (int i = 0; i < raw.Length; i++) result[i] = GgmlConvert.FromBF16Bits(raw[i]);
                return result;
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
