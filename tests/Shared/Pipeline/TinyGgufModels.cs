using DeltaMerge.Compute;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Tests.Shared;

/// <summary>
/// The tiny fixtures merged into one GGUF file per output type (F32, F16, BF16, Q8_0), with the fp16 stress elements
/// that the PyTorch reference zeroes zeroed in both inputs (0 + 0 = 0): they make every logit NaN, llama.cpp rejects them
/// as invalid data, and a Q8_0 block holding inf would be lost whole. Linked only into test projects that reference the
/// pipeline (see their .csproj).
/// </summary>
internal static class TinyGgufModels
{
    /// <summary>Writes the files into <paramref name="temp"/> and returns their paths by type.</summary>
    public static Dictionary<GgufOutputType, string> MergeEveryType(TempDirectory temp)
    {
        var (baseDir, deltaDir) = FixtureEdits.SanitizedTinyInputs(temp);
        var files = new Dictionary<GgufOutputType, string>();
        foreach (GgufOutputType type in Enum.GetValues<GgufOutputType>())
        {
            var result = DeltaJob.Run(new DeltaJobOptions
            {
                Operation = TensorOperation.Add,
                Primary = new InputSpec("base", baseDir, []),
                Secondary = new InputSpec("delta", deltaDir, []),
                OutputPath = temp.Sub($"tiny-{type}.gguf".ToLowerInvariant()),
                Format = OutputFormat.Gguf,
                GgufType = type,
                Device = DeviceChoice.Cpu,
            });
            files[type] = result.OutputPath!;
        }
        return files;
    }
}
