using System.Text.Json;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>
/// Writes a plan's tensors as Hugging Face safetensors shards (<c>model-0000K-of-0000N.safetensors</c>, metadata
/// <c>{"format":"pt"}</c>) plus <c>model.safetensors.index.json</c>, into a directory; each file is hashed as it is
/// written and flushed to disk when complete.
/// </summary>
public sealed class ShardedSafetensorsSink : ITensorSink
{
    /// <summary>Index file name, as transformers names it.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private static readonly IReadOnlyDictionary<string, string> Metadata = new Dictionary<string, string> { ["format"] = "pt" };

    private readonly string _directory;
    private readonly MergePlan _plan;
    private readonly List<WrittenFile> _written = [];
    private int _shard = -1;
    private int _taskInShard;
    private HashingWriteStream? _stream;
    private SafetensorsWriter? _writer;
    private TensorTask? _current;

    /// <summary>Writes into <paramref name="directory"/> (normally the temporary directory of an atomic output).</summary>
    public ShardedSafetensorsSink(string directory, MergePlan plan)
    {
        _directory = directory;
        _plan = plan;
    }

    /// <inheritdoc />
    public void BeginTensor(TensorTask task)
    {
        if (_writer == null) OpenNextShard();
        var expected = _plan.Shards[_shard].Tasks[_taskInShard];
        if (!ReferenceEquals(expected, task)) throw new InvalidOperationException($"Tensor '{task.Name}' arrived where '{expected.Name}' was planned.");
        _current = task;
    }

    /// <inheritdoc />
    public void WriteChunk(ReadOnlySpan<byte> bytes) => _writer!.WriteTensorChunk(_current!.Name, bytes);

    /// <inheritdoc />
    public void EndTensor()
    {
        _current = null;
        _taskInShard++;
        if (_taskInShard == _plan.Shards[_shard].Tasks.Count) CloseShard();
    }

    /// <inheritdoc />
    public IReadOnlyList<WrittenFile> Complete()
    {
        if (_writer != null || _shard != _plan.Shards.Count - 1)
            throw new InvalidOperationException("Not every planned tensor was written.");
        _written.Add(WriteIndex());
        return _written;
    }

    private void OpenNextShard()
    {
        _shard++;
        _taskInShard = 0;
        var shard = _plan.Shards[_shard];
        var file = new FileStream(Path.Combine(_directory, shard.FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _stream = new HashingWriteStream(file);
        var specs = shard.Tasks.Select(t => new SafetensorsTensorSpec(t.Name, t.OutputDType, t.OutputShape)).ToList();
        _writer = new SafetensorsWriter(_stream, specs, Metadata, leaveOpen: true);
    }

    private void CloseShard()
    {
        _writer!.Complete();
        _stream!.FlushToDisk();
        _written.Add(new WrittenFile(_plan.Shards[_shard].FileName, _stream.Length, _stream.FinishSha256()));
        _writer.Dispose();
        _stream.Dispose();
        _writer = null;
        _stream = null;
    }

    private WrittenFile WriteIndex()
    {
        // transformers writes json.dumps(index, indent=2, sort_keys=True) + "\n"; same layout here.
        var weightMap = _plan.Shards.SelectMany(s => s.Tasks.Select(t => (t.Name, s.FileName))).OrderBy(p => p.Name, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2 }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", _plan.TotalBytes);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap) json.WriteString(name, file);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return OutputFiles.WriteAll(_directory, IndexFileName, buffer.ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer?.Dispose();
        _stream?.Dispose();
    }
}
