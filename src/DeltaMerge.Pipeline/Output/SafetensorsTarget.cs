using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Pipeline.Inputs;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>
/// A Hugging Face model directory: safetensors shards with their index, config.json, generation settings and
/// tokenizer files copied verified, merge-report.json and SHA256SUMS, built in a temporary directory and renamed into
/// place only when everything succeeded.
/// </summary>
public sealed class SafetensorsTarget(string outputPath, bool force, DType dtype, long maxShardBytes) : IOutputTarget
{
    /// <summary>Tokenizer files copied byte for byte (from the delta for a merge, from the target for make-delta).</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.json"];

    /// <summary>Generation settings file, copied when present.</summary>
    public const string GenerationConfigFile = "generation_config.json";

    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    private AtomicOutputDirectory? _output;

    /// <inheritdoc />
    public DType PlanDType => dtype;

    /// <inheritdoc />
    public long MaxShardBytes => maxShardBytes;

    /// <inheritdoc />
    public string TypeName => DTypeNames.Format(dtype);

    /// <inheritdoc />
    public ITensorSink Open(MergePlan plan, OutputSources sources)
    {
        _output = AtomicOutputDirectory.Create(outputPath, force);
        return new ShardedSafetensorsSink(_output.TempPath, plan);
    }

    /// <inheritdoc />
    public IReadOnlyList<WrittenFile> WriteCompanions(OutputSources sources)
    {
        string directory = Output.TempPath;
        var written = new List<WrittenFile> { OutputFiles.WriteAll(directory, HfConfig.FileName, ConfigBytes(sources.OutputConfig)) };
        var generation = new[] { (sources.Config, sources.ConfigInputs), (sources.Tokenizer, sources.TokenizerInputs) }
            .FirstOrDefault(s => s.Item1.HasFile(GenerationConfigFile));
        if (generation.Item1 != null) written.Add(Copy(generation.Item2, generation.Item1.PathOf(GenerationConfigFile), directory, GenerationConfigFile));
        foreach (string name in TokenizerFiles)
            if (sources.Tokenizer.HasFile(name)) written.Add(Copy(sources.TokenizerInputs, sources.Tokenizer.PathOf(name), directory, name));
        return written;
    }

    /// <inheritdoc />
    public IReadOnlyList<TensorReport> TensorRows(MergePlan plan, IReadOnlyList<WrittenFile> written)
    {
        var shardOf = plan.Shards.SelectMany(s => s.Tasks.Select(t => (t.Name, s.FileName))).ToDictionary(p => p.Name, p => p.FileName);
        return plan.Tasks.Select(t => new TensorReport(t.Name, t.OutputShape, DTypeInfo.SafetensorsName(t.OutputDType), shardOf[t.Name])).ToList();
    }

    /// <inheritdoc />
    public string Commit(MergeReport report, IReadOnlyList<WrittenFile> written, CancellationToken cancellationToken)
    {
        var reportFile = OutputFiles.WriteAll(Output.TempPath, MergeReport.FileName, JsonSerializer.SerializeToUtf8Bytes(report, ReportJson));
        var sums = written.Append(reportFile).Select(w => KeyValuePair.Create(w.RelativeName, w.Sha256));
        OutputFiles.WriteAll(Output.TempPath, Sha256Sums.FileName, System.Text.Encoding.UTF8.GetBytes(Sha256Sums.Format(sums)));
        cancellationToken.ThrowIfCancellationRequested();
        Output.Commit();
        return Output.FinalPath;
    }

    /// <inheritdoc />
    public void Dispose() => _output?.Dispose();

    private AtomicOutputDirectory Output => _output ?? throw new InvalidOperationException($"{nameof(Open)} comes first.");

    private static byte[] ConfigBytes(JsonObject config) =>
        System.Text.Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 }) + "\n");

    private static WrittenFile Copy(VerifiedInputs inputs, string source, string directory, string name)
    {
        string sha = inputs.CopyVerified(source, Path.Combine(directory, name));
        return new WrittenFile(name, new FileInfo(Path.Combine(directory, name)).Length, sha);
    }
}
