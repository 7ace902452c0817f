using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Meta;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Inputs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using Serilog;

namespace DeltaMerge.Pipeline.Jobs;

/// <summary>
/// Applies a delta to a base (<c>merge</c>), makes one (<c>make-delta</c>) or converts one model (<c>convert</c>), end to
/// end, in four steps: open and verify the inputs, plan, execute (stream the tensors through the device into the output
/// format's sink), finish (companion files, verification of every input byte, report, checksums, atomic rename). What
/// differs between output formats is one <see cref="IOutputTarget"/>.
/// </summary>
public static class DeltaJob
{
    /// <summary>Read-ahead memory shared by all input files of a job.</summary>
    public const long ReadAheadBytes = 256L << 20;

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

        // Refuse an existing output before any expensive work.
        if (!options.Force && !options.DryRun && (Directory.Exists(options.OutputPath) || File.Exists(options.OutputPath)))
            throw new OutputExistsException(Path.GetFullPath(options.OutputPath));

        using var target = TargetFor(options);
        var inputs = new List<OpenedInput>();
        using var release = new InputsRelease(inputs);
        OpenInputs(options, inputs, log);
        var plan = Plan(options, inputs, target, log);
        if (options.DryRun) return new DeltaJobResult(plan, null, null, null);

        var device = ComputeDevice.Resolve(options.Device);
        log.Information("Computing on {Device}", device.Description);
        double openAndPlan = total.Elapsed.TotalSeconds;
        // Read before execution: a file is finished (hashed to the end) once its last tensor is read, and a GGUF source
        // keeps its config in the same file.
        var sources = Sources(options, inputs, plan);

        ExecutionStats stats;
        var written = new List<WrittenFile>();
        using (var sink = target.Open(plan, sources))
        {
            stats = Execute(options, inputs, plan, device, sink, progress, cancellationToken);
            written.AddRange(sink.Complete());
        }
        var finalize = Stopwatch.StartNew();
        written.AddRange(target.WriteCompanions(sources));
        cancellationToken.ThrowIfCancellationRequested();

        foreach (var input in inputs) input.Inputs.CompleteAll();
        var timings = new TimingsReport(openAndPlan, stats.Wall.TotalSeconds, stats.ReadBusy.TotalSeconds, stats.ComputeBusy.TotalSeconds,
            stats.WriteBusy.TotalSeconds, finalize.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds);
        var report = BuildReport(options, target, device, inputs, plan, written, timings);
        string outputPath = target.Commit(report, written, cancellationToken);
        log.Information("Wrote {Path} ({Type}, {Files} file(s)) in {Seconds:F1} s", outputPath, target.TypeName, written.Count, total.Elapsed.TotalSeconds);
        return new DeltaJobResult(plan, report, outputPath, stats);
    }

    /// <summary>The output format's target.</summary>
    private static IOutputTarget TargetFor(DeltaJobOptions o) => o.Format == OutputFormat.Gguf
        ? new GgufTarget(o.OutputPath, o.Force, o.GgufType, o.ModelName)
        : new SafetensorsTarget(o.OutputPath, o.Force, o.OutputDType, o.MaxShardBytes);

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

    /// <summary>Opens each input with its checksum lists and reads its tensor table (headers only).</summary>
    private static void OpenInputs(DeltaJobOptions options, List<OpenedInput> inputs, ILogger log)
    {
        var specs = options.Secondary is { } second ? new[] { options.Primary, second } : new[] { options.Primary };
        // Read-ahead memory for all input files together (see HashingFileReader): bounded whatever the layouts.
        var readAhead = new ReadAheadPool(ReadAheadBytes);
        foreach (var spec in specs)
        {
            var dir = ModelDirectory.Open(spec.Path);
            var list = spec.ChecksumFiles.Count == 0 ? ChecksumList.Empty : ChecksumList.Load(spec.ChecksumFiles);
            var verified = new VerifiedInputs(spec.Side, dir.DirectoryPath, list, string.Join(", ", spec.ChecksumFiles), options.AllowUnlisted, readAhead);
            inputs.Add(new OpenedInput(spec, dir, verified, []));
            log.Information("Reading the tensor table of the {Side} ({Layout}, {Files} file(s))", spec.Side, dir.Layout, dir.WeightFiles.Count);
            inputs[^1] = inputs[^1] with { Tensors = dir.ReadTensors(verified.Open) };
        }
    }

    private static MergePlan Plan(DeltaJobOptions options, List<OpenedInput> inputs, IOutputTarget target, ILogger log)
    {
        var primary = inputs[0];
        var plan = options.Operation switch
        {
            TensorOperation.Add => MergePlanner.PlanApplyDelta(primary.Tensors, Secondary(inputs).Tensors, target.PlanDType, target.MaxShardBytes),
            TensorOperation.Subtract => MergePlanner.PlanMakeDelta(primary.Tensors, Secondary(inputs).Tensors, target.PlanDType, target.MaxShardBytes),
            _ => MergePlanner.PlanConvert(primary.Tensors, primary.Spec.Side, target.PlanDType, target.MaxShardBytes),
        };
        foreach (var s in plan.Skipped) log.Information("Skipping {Name} from the {Side}: {Reason}", s.Name, s.Side, s.Reason);
        log.Information("Plan: {Tensors} tensors, {Bytes:N0} bytes in {Shards} shard(s), vocabulary {From} -> {To} rows",
            plan.TaskCount, plan.TotalBytes, plan.Shards.Count, plan.PrimaryVocabRows, plan.OutputVocabRows);
        return plan;
    }

    private static ExecutionStats Execute(DeltaJobOptions options, List<OpenedInput> inputs, MergePlan plan, ComputeDevice device, ITensorSink sink,
        IProgress<MergeProgress>? progress, CancellationToken cancellationToken)
    {
        var inputsByFile = new Dictionary<string, VerifiedInputs>(StringComparer.Ordinal);
        // Every file a tensor reads, gathered ones included (a Meta model-parallel tensor reads all consolidated.NN.pth).
        foreach (var input in inputs)
            foreach (string f in input.Dir.WeightFiles.Concat(input.Tensors.SelectMany(t => t.Files))) inputsByFile.TryAdd(Path.GetFullPath(f), input.Inputs);
        return new PlanExecutor(device, options.ChunkElements).Execute(plan, path => inputsByFile[path].Open(path), path => inputsByFile[path].Complete(path),
            sink, progress, cancellationToken);
    }

    private static OpenedInput Secondary(List<OpenedInput> inputs) =>
        inputs.Count > 1 ? inputs[1] : throw new ArgumentException("This operation needs a second input (DeltaJobOptions.Secondary).");

    /// <summary>
    /// The merged model keeps the base's config and generation settings and takes the delta's tokenizer (MT-LLaMA's
    /// apply_delta saves the base model and copies the delta tokenizer); make-delta and convert keep their input's.
    /// </summary>
    private static OutputSources Sources(DeltaJobOptions options, List<OpenedInput> inputs, MergePlan plan)
    {
        var primary = inputs[0];
        var tokenizer = options.Operation == TensorOperation.Add ? Secondary(inputs) : primary;
        return new OutputSources(primary.Dir, primary.Inputs, tokenizer.Dir, tokenizer.Inputs, OutputConfig(primary.Dir, primary.Inputs, plan));
    }

    /// <summary>
    /// The source config (for a Meta source, the one the conversion script would write from its verified params.json;
    /// for a GGUF source, the one its metadata describes) with <c>vocab_size</c> and <c>torch_dtype</c> set to what was written.
    /// </summary>
    private static JsonObject OutputConfig(ModelDirectory source, VerifiedInputs inputs, MergePlan plan)
    {
        JsonObject config = source.MetaParams != null ? MetaConfig(source, inputs, plan)
            : source.Layout == ModelLayout.Gguf ? source.ReadConfig()!
            : ReadConfig(source, inputs);
        if (plan.OutputVocabRows > 0) config["vocab_size"] = plan.OutputVocabRows;
        config["torch_dtype"] = DTypeInfo.ConfigName(plan.OutputDType);
        return config;
    }

    private static JsonObject MetaConfig(ModelDirectory source, VerifiedInputs inputs, MergePlan plan)
    {
        // Read through the inputs so params.json is hashed and checked against checklist.chk like the shards.
        string path = source.PathOf(MetaParams.FileName);
        return MetaParams.Parse(inputs.ReadVerified(path), path).ToHuggingFaceConfig(plan.PrimaryVocabRows);
    }

    private static JsonObject ReadConfig(ModelDirectory source, VerifiedInputs inputs)
    {
        if (!source.HasFile(HfConfig.FileName))
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, "config.json is missing; the output needs it.", source.DirectoryPath);
        // Read through the inputs so config.json is hashed and checked against the checksum list.
        string path = source.PathOf(HfConfig.FileName);
        return HfConfig.Parse(inputs.ReadVerified(path), path);
    }

    /// <summary>The tool's version as built.</summary>
    public static string ToolVersion =>
        typeof(DeltaJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static MergeReport BuildReport(DeltaJobOptions o, IOutputTarget target, ComputeDevice device, IReadOnlyList<OpenedInput> inputs, MergePlan plan,
        List<WrittenFile> written, TimingsReport timings)
    {
        InputReport Input(InputSpec spec, ModelDirectory dir, VerifiedInputs inputs) => new(
            dir.DirectoryPath, dir.Layout.ToString(), spec.ChecksumFiles.Select(Path.GetFullPath).ToList(),
            inputs.Files.OrderBy(f => f.RelativeName, StringComparer.Ordinal)
                .Select(f => new InputFileReport(f.RelativeName, f.Digests.Length, f.Digests.Sha256, f.Digests.Md5, f.VerifiedAlgorithms, f.Digests.RereadBytes)).ToList());
        long baseRows = o.Operation == TensorOperation.Subtract ? BaseVocabRows(plan) : plan.PrimaryVocabRows;
        return new MergeReport(
            new ToolInfo("deltamerge", ToolVersion),
            o.Operation switch { TensorOperation.Add => "apply-delta", TensorOperation.Subtract => "make-delta", _ => "convert" },
            target.TypeName,
            device.Description,
            inputs.ToDictionary(i => i.Spec.Side, i => Input(i.Spec, i.Dir, i.Inputs)),
            new VocabularyReport(baseRows, plan.OutputVocabRows, plan.OutputVocabRows - baseRows),
            plan.Skipped.Select(s => new SkippedReport(s.Name, s.Side, s.Reason)).ToList(),
            target.TensorRows(plan, written),
            written.Select(w => new OutputFileReport(w.RelativeName, w.Length, w.Sha256)).ToList(),
            timings);
    }

    private static long BaseVocabRows(MergePlan plan) =>
        plan.Tasks.Where(t => LlamaTensorNames.VocabularyTensors.Contains(t.Name)).Select(t => TensorTask.RowsOf(t.Secondary!)).FirstOrDefault();
}
