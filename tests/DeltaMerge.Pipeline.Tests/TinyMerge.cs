using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Pipeline.Tests;

/// <summary>base + delta of the tiny fixtures (tests/fixtures/tiny) merged on the CPU into a test's temporary directory.</summary>
internal static class TinyMerge
{
    public static DeltaJobResult Run(TempDirectory temp, string baseName, string deltaName = "delta", DType dtype = DType.F16,
        long maxShard = MergePlanner.DefaultMaxShardBytes, long chunk = PlanExecutor.DefaultChunkElements, string outName = "out",
        IReadOnlyList<string>? baseSums = null, IReadOnlyList<string>? deltaSums = null, bool force = false, string? basePath = null,
        string? deltaPath = null) =>
        DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Add,
            Primary = new InputSpec("base", basePath ?? RepoPaths.Tiny(baseName), baseSums ?? []),
            Secondary = new InputSpec("delta", deltaPath ?? RepoPaths.Tiny(deltaName), deltaSums ?? []),
            OutputPath = temp.Sub(outName),
            OutputDType = dtype,
            Device = DeviceChoice.Cpu,
            MaxShardBytes = maxShard,
            ChunkElements = chunk,
            Force = force,
        });
}
