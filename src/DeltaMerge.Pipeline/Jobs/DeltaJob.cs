using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Meta;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Inputs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using Serilog;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Pipeline.Jobs;

/// <summary>
/// Applies a delta to a base (<c>merge</c>) or makes one (<c>make-delta</c>), end to end: opens and verifies the inputs,
/// plans, streams the tensors through the device into safetensors shards, writes config, tokenizer files, report and
/// SHA256SUMS into a temporary directory and renames it into place only when everything succeeded.
/// </summary>
public static class DeltaJob
{
    /// <summary>Report file name.</summary>
    public const string ReportFileName = "merge-report.json";

    /// <summary>Tokenizer files copied byte for byte (from the delta for a merge, from the target for make-delta).</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.json"];

    /// <summary>Generation settings file, copied when present.</summary>
    public const string GenerationConfigFile = "generation_config.json";

    internal static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    /// <summary>Runs the job.</summary>
    /// <exception cref="CheckpointFormatException">An input is malformed.</exception>
    /// <exception cref="MergePlanException">The inputs cannot be combined.</exception>
    /// <exception cref="ChecksumMismatchException">An input's bytes differ from its listed digest.</exception>
    /// <exception cref="UnlistedFileException">An input file is missing from a given checksum list.</exception>
    /// <exception cref="OutputExistsException">The output exists and <see cref="DeltaJobOptions.Force"/> is off.</exception>
    /// <exception cref="DeviceUnavailableException">The requested device cannot be used.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left behind.</exception>
    public static DeltaJobResult Run(DeltaJobOptions options, ILogger? log = null, IProgress<MergeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        log ??= Serilog.Core.Logger.None;
        var total = Stopwatch.StartNew();
        bool isMerge = options.Operation == TensorOperation.Add;

        // Refuse an existing output before any expensive work.
        if (!options.Force && !options.DryRun && (Directory.Exists(options.OutputPath) || File.Exists(options.OutputPath)))
            throw new OutputExistsException(Path.GetFullPath(options.OutputPath));

        var specs = options.Secondary is { } second ? new[] { options.Primary, second } : new[] { options.Primary };
        var inputs = new List<OpenedInput>();
        // Read-ahead memory for all input files together (see HashingFileReader): bounded whatever the layouts.
        var readAhead = new ReadAheadPool(ReadAheadBytes);
        using var release = new InputsRelease(inputs);
        foreach (var spec in specs)
        {
            var dir = ModelDirectory.Open(spec.Path);
            var verified = OpenInputs(spec, dir, options.AllowUnlisted, readAhead);
            inputs.Add(new OpenedInput(spec, dir, verified, []));
            log.Information("Reading the tensor table of the {Side} ({Layout}, {Files} file(s))", spec.Side, dir.Layout, dir.WeightFiles.Count);
            inputs[^1] = inputs[^1] with { Tensors = dir.ReadTensors(verified.Open) };
        }
        var primary = inputs[0];
        var plan = options.Operation switch
        {
            TensorOperation.Add => MergePlanner.PlanApplyDelta(primary.Tensors, Secondary(inputs).Tensors, PlanDType(options), MaxShard(options)),
            TensorOperation.Subtract => MergePlanner.PlanMakeDelta(primary.Tensors, Secondary(inputs).Tensors, PlanDType(options), MaxShard(options)),
            _ => MergePlanner.PlanConvert(primary.Tensors, primary.Spec.Side, PlanDType(options), MaxShard(options)),
        };
        foreach (var s in plan.Skipped) log.Information("Skipping {Name} from the {Side}: {Reason}", s.Name, s.Side, s.Reason);
        log.Information("Plan: {Tensors} tensors, {Bytes:N0} bytes in {Shards} shard(s), vocabulary {From} -> {To} rows",
            plan.TaskCount, plan.TotalBytes, plan.Shards.Count, plan.PrimaryVocabRows, plan.OutputVocabRows);
        if (options.DryRun) return new DeltaJobResult(plan, null, null, null);

        var device = ComputeDevice.Resolve(options.Device);
        log.Information("Computing on {Device}", device.Description);
        double openAndPlan = total.Elapsed.TotalSeconds;

        var inputsByFile = new Dictionary<string, VerifiedInputs>(StringComparer.Ordinal);
        // Every file a tensor reads, gathered ones included (a Meta model-parallel tensor reads all consolidated.NN.pth).
        foreach (var input in inputs)
            foreach (string f in input.Dir.WeightFiles.Concat(input.Tensors.SelectMany(t => t.Files))) inputsByFile.TryAdd(Path.GetFullPath(f), input.Inputs);
        ExecutionStats Execute(ITensorSink sink) =>
            new PlanExecutor(device, options.ChunkElements).Execute(plan, path => inputsByFile[path].Open(path), path => inputsByFile[path].Complete(path),
                sink, progress, cancellationToken);

        // The merged model keeps the base's config and generation settings and takes the delta's tokenizer (MT-LLaMA's
        // apply_delta saves the base model and copies the delta tokenizer); make-delta and convert keep their input's.
        var tokenizer = options.Operation == TensorOperation.Add ? Secondary(inputs) : primary;
        // Read before execution: a file is finished (hashed to the end) once its last tensor is read, and a GGUF source
        // keeps its config in the same file.
        var config = OutputConfig(primary.Dir, primary.Inputs, plan);
        var sources = new Sources(primary.Dir, primary.Inputs, tokenizer.Dir, tokenizer.Inputs, config);
        var context = new RunContext(options, log, total, openAndPlan, device, plan, sources, inputs);
        return options.Format == OutputFormat.Gguf ? WriteGguf(context, Execute, cancellationToken) : WriteSafetensors(context, Execute, cancellationToken);
    }

    /// <summary>An input model, opened: its spec, directory, verified readers and tensor table.</summary>
    private sealed record OpenedInput(InputSpec Spec, ModelDirectory Dir, VerifiedInputs Inputs, IReadOnlyList<TensorEntry> Tensors);

    /// <summary>Closes every input's readers when the job ends, however it ends.</summary>
    private sealed class InputsRelease(List<OpenedInput> inputs) : IDisposable
    {
        public void Dispose()
        {
            foreach (var i in inputs) i.Inputs.Dispose();
        }
    }

    private static OpenedInput Secondary(List<OpenedInput> inputs) =>
        inputs.Count > 1 ? inputs[1] : throw new ArgumentException("This operation needs a second input (DeltaJobOptions.Secondary).");

    private static DType PlanDType(DeltaJobOptions o) => o.Format == OutputFormat.Gguf ? GgufOutputTypes.PlanDType(o.GgufType) : o.OutputDType;

    private static long MaxShard(DeltaJobOptions o) => o.Format == OutputFormat.Gguf ? long.MaxValue : o.MaxShardBytes;

    /// <summary>The type name the report and summaries give (<c>f16</c>, <c>q8_0</c>).</summary>
    public static string OutputTypeName(DeltaJobOptions o) => o.Format == OutputFormat.Gguf ? o.GgufType.ToString().ToLowerInvariant() : DTypeNames.Format(o.OutputDType);

    /// <summary>Where the output's config and tokenizer come from.</summary>
    private sealed record Sources(ModelDirectory Config, VerifiedInputs ConfigInputs, ModelDirectory Tokenizer, VerifiedInputs TokenizerInputs, JsonObject OutputConfig);

    /// <summary>Everything the output stage needs from the planning stage.</summary>
    private sealed record RunContext(DeltaJobOptions Options, ILogger Log, Stopwatch Total, double OpenAndPlan, ComputeDevice Device, MergePlan Plan,
        Sources Sources, IReadOnlyList<OpenedInput> Inputs);

    private static DeltaJobResult WriteSafetensors(RunContext c, Func<ITensorSink, ExecutionStats> execute, CancellationToken cancellationToken)
    {
        using var output = AtomicOutputDirectory.Create(c.Options.OutputPath, c.Options.Force);
        ExecutionStats stats;
        var written = new List<WrittenFile>();
        using (var sink = new ShardedSafetensorsSink(output.TempPath, c.Plan))
        {
            stats = execute(sink);
            written.AddRange(sink.Complete());
        }
        var finalize = Stopwatch.StartNew();
        var src = c.Sources;
        written.Add(OutputFiles.WriteAll(output.TempPath, ModelDirectory.ConfigFile, ConfigBytes(src.OutputConfig)));
        var generation = new[] { (src.Config, src.ConfigInputs), (src.Tokenizer, src.TokenizerInputs) }.FirstOrDefault(s => s.Item1.HasFile(GenerationConfigFile));
        if (generation.Item1 != null) written.Add(Copy(generation.Item2, generation.Item1.PathOf(GenerationConfigFile), output.TempPath, GenerationConfigFile));
        foreach (string name in TokenizerFiles)
            if (src.Tokenizer.HasFile(name)) written.Add(Copy(src.TokenizerInputs, src.Tokenizer.PathOf(name), output.TempPath, name));
            else c.Log.Debug("No {File} in {Dir}; not copied", name, src.Tokenizer.DirectoryPath);

        cancellationToken.ThrowIfCancellationRequested();
        var report = Finish(c, stats, written, finalize);
        var reportFile = OutputFiles.WriteAll(output.TempPath, ReportFileName, JsonSerializer.SerializeToUtf8Bytes(report, ReportJson));
        var sums = written.Append(reportFile).Select(w => KeyValuePair.Create(w.RelativeName, w.Sha256));
        OutputFiles.WriteAll(output.TempPath, Sha256Sums.FileName, System.Text.Encoding.UTF8.GetBytes(Sha256Sums.Format(sums)));
        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
        c.Log.Information("Wrote {Path} ({Files} files) in {Seconds:F1} s", output.FinalPath, written.Count + 2, c.Total.Elapsed.TotalSeconds);
        return new DeltaJobResult(c.Plan, report, output.FinalPath, stats);
    }

    /// <summary>One GGUF file and <c>FILE.gguf.sha256</c> beside it; config and vocabulary go into the GGUF's metadata.</summary>
    private static DeltaJobResult WriteGguf(RunContext c, Func<ITensorSink, ExecutionStats> execute, CancellationToken cancellationToken)
    {
        var src = c.Sources;
        JsonObject config = src.OutputConfig;
        var hyper = LlamaGgufMetadata.Hyperparameters.FromConfig(config, src.Config.PathOf(ModelDirectory.ConfigFile));
        var vocab = ReadVocabulary(src.Tokenizer, src.TokenizerInputs, config);
        using var output = AtomicOutputFile.Create(c.Options.OutputPath, c.Options.Force);
        using var sumsFile = AtomicOutputFile.Create(c.Options.OutputPath + ".sha256", c.Options.Force);
        string fileName = Path.GetFileName(output.FinalPath);
        string modelName = c.Options.ModelName ?? Path.GetFileNameWithoutExtension(fileName);
        ExecutionStats stats;
        var written = new List<WrittenFile>();
        using (var stream = output.OpenWrite())
        using (var sink = new GgufModelSink(stream, fileName, c.Plan, c.Options.GgufType, modelName, hyper, vocab))
        {
            stats = execute(sink);
            written.AddRange(sink.Complete());
        }
        var finalize = Stopwatch.StartNew();
        cancellationToken.ThrowIfCancellationRequested();
        var report = Finish(c, stats, written, finalize);
        using (var f = sumsFile.OpenWrite())
        {
            f.Write(System.Text.Encoding.UTF8.GetBytes(Sha256Sums.Format(written.Select(w => KeyValuePair.Create(w.RelativeName, w.Sha256)))));
            f.Flush(flushToDisk: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
        output.Commit();
        sumsFile.Commit();
        c.Log.Information("Wrote {Path} ({Type}) in {Seconds:F1} s", output.FinalPath, c.Options.GgufType, c.Total.Elapsed.TotalSeconds);
        return new DeltaJobResult(c.Plan, report, output.FinalPath, stats);
    }

    /// <summary>Verifies every input file not yet complete and builds the report.</summary>
    private static MergeReport Finish(RunContext c, ExecutionStats stats, List<WrittenFile> written, Stopwatch finalize)
    {
        foreach (var input in c.Inputs) input.Inputs.CompleteAll();
        return BuildReport(c.Options, c.Device, c.Inputs, c.Plan, written,
            new TimingsReport(c.OpenAndPlan, stats.Wall.TotalSeconds, stats.ReadBusy.TotalSeconds, stats.ComputeBusy.TotalSeconds,
                stats.WriteBusy.TotalSeconds, finalize.Elapsed.TotalSeconds, c.Total.Elapsed.TotalSeconds));
    }

    /// <summary>The vocabulary llama.cpp gets: tokenizer.model and the Hugging Face tokenizer files, each read verified.</summary>
    private static LlamaVocabulary ReadVocabulary(ModelDirectory dir, VerifiedInputs inputs, JsonObject outputConfig)
    {
        const string model = "tokenizer.model";
        if (!dir.HasFile(model))
            throw new CheckpointFormatException(FormatErrorKind.SentencePieceInvalid, "GGUF output needs tokenizer.model for its vocabulary, and there is none.", dir.DirectoryPath);
        string? Text(string name) => dir.HasFile(name) ? System.Text.Encoding.UTF8.GetString(inputs.ReadVerified(dir.PathOf(name))) : null;
        var files = HfTokenizerFiles.Parse(outputConfig.ToJsonString(), Text(HfTokenizerFiles.AddedTokensFileName),
            Text(HfTokenizerFiles.TokenizerConfigFileName), Text(HfTokenizerFiles.TokenizerJsonFileName));
        return LlamaVocabulary.Build(SentencePieceModel.Load(inputs.ReadVerified(dir.PathOf(model)), dir.PathOf(model)), files);
    }

    /// <summary>Read-ahead memory shared by all input files of a job.</summary>
    public const long ReadAheadBytes = 256L << 20;

    private static VerifiedInputs OpenInputs(InputSpec spec, ModelDirectory dir, bool allowUnlisted, ReadAheadPool readAhead)
    {
        var list = spec.ChecksumFiles.Count == 0 ? ChecksumList.Empty : ChecksumList.Load(spec.ChecksumFiles);
        return new VerifiedInputs(spec.Side, dir.DirectoryPath, list, string.Join(", ", spec.ChecksumFiles), allowUnlisted, readAhead);
    }

    private static WrittenFile Copy(VerifiedInputs inputs, string source, string directory, string name)
    {
        string sha = inputs.CopyVerified(source, Path.Combine(directory, name));
        return new WrittenFile(name, new FileInfo(Path.Combine(directory, name)).Length, sha);
    }

    /// <summary>
    /// The source config (for a Meta source, the one the conversion script would write from its verified params.json)
    /// with <c>vocab_size</c> and <c>torch_dtype</c> set to what was written.
    /// </summary>
    private static JsonObject OutputConfig(ModelDirectory source, VerifiedInputs inputs, MergePlan plan)
    {
        JsonObject config = source.MetaParams != null ? MetaConfig(source, inputs, plan)
            : source.Layout == ModelLayout.Gguf ? GgufLlamaModel.ReadConfig(inputs.Open(source.WeightFiles[0]))
            : ReadConfig(source, inputs);
        if (plan.OutputVocabRows > 0) config["vocab_size"] = plan.OutputVocabRows;
        config["torch_dtype"] = DTypeInfo.ConfigName(plan.OutputDType);
        return config;
    }

    private static byte[] ConfigBytes(JsonObject config) =>
        System.Text.Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 }) + "\n");

    private static JsonObject MetaConfig(ModelDirectory source, VerifiedInputs inputs, MergePlan plan)
    {
        // Read through the inputs so params.json is hashed and checked against checklist.chk like the shards.
        string path = source.PathOf(MetaParams.FileName);
        return MetaParams.Parse(inputs.ReadVerified(path), path).ToHuggingFaceConfig(plan.PrimaryVocabRows);
    }

    private static JsonObject ReadConfig(ModelDirectory source, VerifiedInputs inputs)
    {
        if (!source.HasFile(ModelDirectory.ConfigFile))
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, "config.json is missing; the output needs it.", source.DirectoryPath);
        string path = source.PathOf(ModelDirectory.ConfigFile);
        JsonObject config;
        try
        {
            config = StrictJson.Parse(inputs.ReadVerified(path)) as JsonObject
                     ?? throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, "expected a JSON object.", path);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"not valid JSON: {e.Message}", path, inner: e);
        }
        return config;
    }

    /// <summary>The tool's version as built.</summary>
    public static string ToolVersion =>
        typeof(DeltaJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static MergeReport BuildReport(DeltaJobOptions o, ComputeDevice device, IReadOnlyList<OpenedInput> inputs, MergePlan plan,
        List<WrittenFile> written, TimingsReport timings)
    {
        InputReport Input(InputSpec spec, ModelDirectory dir, VerifiedInputs inputs) => new(
            dir.DirectoryPath, dir.Layout.ToString(), spec.ChecksumFiles.Select(Path.GetFullPath).ToList(),
            inputs.Files.OrderBy(f => f.RelativeName, StringComparer.Ordinal)
                .Select(f => new InputFileReport(f.RelativeName, f.Digests.Length, f.Digests.Sha256, f.Digests.Md5, f.VerifiedAlgorithms, f.Digests.RereadBytes)).ToList());
        var shardOf = plan.Shards.SelectMany(s => s.Tasks.Select(t => (t.Name, s.FileName))).ToDictionary(p => p.Name, p => p.FileName);
        long baseRows = o.Operation == TensorOperation.Subtract ? BaseVocabRows(plan) : plan.PrimaryVocabRows;
        return new MergeReport(
            new ToolInfo("deltamerge", ToolVersion),
            o.Operation switch { TensorOperation.Add => "apply-delta", TensorOperation.Subtract => "make-delta", _ => "convert" },
            OutputTypeName(o),
            device.Description,
            inputs.ToDictionary(i => i.Spec.Side, i => Input(i.Spec, i.Dir, i.Inputs)),
            new VocabularyReport(baseRows, plan.OutputVocabRows, plan.OutputVocabRows - baseRows),
            plan.Skipped.Select(s => new SkippedReport(s.Name, s.Side, s.Reason)).ToList(),
            o.Format == OutputFormat.Gguf
                ? plan.Tasks.Select(t => new TensorReport(Formats.Naming.LlamaGgufNames.ToGguf(t.Name), t.OutputShape,
                    GgufOutputTypes.TensorType(o.GgufType, t.OutputShape).ToString(), written[0].RelativeName)).ToList()
                : plan.Tasks.Select(t => new TensorReport(t.Name, t.OutputShape, DTypeInfo.SafetensorsName(t.OutputDType), shardOf[t.Name])).ToList(),
            written.Select(w => new OutputFileReport(w.RelativeName, w.Length, w.Sha256)).ToList(),
            timings);
    }

    private static long BaseVocabRows(MergePlan plan) =>
        plan.Tasks.Where(t => Formats.Naming.LlamaTensorNames.VocabularyTensors.Contains(t.Name)).Select(t => TensorTask.RowsOf(t.Secondary!)).FirstOrDefault();
}
