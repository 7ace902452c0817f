using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Jobs;

/// <summary>What <c>merge</c> (base + delta), <c>make-delta</c> (target - base) or <c>convert</c> (one model) is asked to do.</summary>
public sealed record DeltaJobOptions
{
    /// <summary>Add (apply a delta) or Subtract (make one).</summary>
    public required TensorOperation Operation { get; init; }

    /// <summary>Left operand: the base for a merge, the target for make-delta.</summary>
    public required InputSpec Primary { get; init; }

    /// <summary>Right operand: the delta for a merge, the base for make-delta; none for convert.</summary>
    public InputSpec? Secondary { get; init; }

    /// <summary>Output directory (created atomically).</summary>
    public required string OutputPath { get; init; }

    /// <summary>Element type of the output tensors.</summary>
    public DType OutputDType { get; init; } = DType.F16;

    /// <summary>Where the arithmetic runs.</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>Accept input files that a given checksum list does not mention.</summary>
    public bool AllowUnlisted { get; init; }

    /// <summary>Largest shard, in bytes of tensor data.</summary>
    public long MaxShardBytes { get; init; } = MergePlanner.DefaultMaxShardBytes;

    /// <summary>Replace an existing output.</summary>
    public bool Force { get; init; }

    /// <summary>Largest chunk, in elements (memory bound of the pipeline).</summary>
    public long ChunkElements { get; init; } = PlanExecutor.DefaultChunkElements;

    /// <summary>Hugging Face safetensors directory, or one GGUF file.</summary>
    public OutputFormat Format { get; init; } = OutputFormat.Safetensors;

    /// <summary>Weight type of a GGUF output (then <see cref="OutputDType"/> is derived from it).</summary>
    public GgufOutputType GgufType { get; init; } = GgufOutputType.F16;

    /// <summary><c>general.name</c> of a GGUF output (default: the file name without extension).</summary>
    public string? ModelName { get; init; }

    /// <summary>Plan only: validate inputs and return the plan without reading tensor data or writing anything.</summary>
    public bool DryRun { get; init; }
}

/// <summary>One input model and the checksum files its bytes must match.</summary>
/// <param name="Side">Its role: <c>base</c>, <c>delta</c> or <c>target</c>.</param>
/// <param name="Path">The model directory.</param>
/// <param name="ChecksumFiles">sha256sum / md5sum / checklist.chk files (names relative to <paramref name="Path"/>).</param>
public sealed record InputSpec(string Side, string Path, IReadOnlyList<string> ChecksumFiles);

/// <summary>What a job writes.</summary>
public enum OutputFormat
{
    /// <summary>A Hugging Face directory of safetensors shards with index, config, tokenizer, report and SHA256SUMS.</summary>
    Safetensors,
    /// <summary>One llama.cpp GGUF file, with <c>FILE.gguf.sha256</c> beside it.</summary>
    Gguf,
}
