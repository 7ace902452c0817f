using System.CommandLine;
using System.CommandLine.Parsing;
using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli.Commands;

/// <summary>Option definitions shared by several commands, with parsers that give specific errors.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print a machine-readable JSON summary on stdout (logs stay on stderr)." };

    public static Option<bool> Force() => new("--force") { Description = "Replace the output if it exists (only once the new one is complete)." };

    public static Option<string> RequiredPath(string name, string description) => new(name) { Description = description, Required = true };

    public static Option<string[]> Checksums(string name, string side) => new(name)
    {
        Description = $"sha256sum/md5sum file(s) or Meta checklist.chk listing the {side}'s files; each listed file read is verified on the same pass that reads it.",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<bool> AllowUnlisted() => new("--allow-unlisted") { Description = "Accept input files that a given checksum list does not mention (they are still hashed and reported)." };

    public static Option<string> OutputDType(string help) => new("--dtype") { Description = help, HelpName = "f16|bf16|f32|q8_0", DefaultValueFactory = _ => "f16" };

    public static Option<OutputFormat?> Format() => new("--format")
    {
        HelpName = "safetensors|gguf",
        Description = "Output format: safetensors (a Hugging Face directory, default) or gguf (one llama.cpp file; the default when --out ends in .gguf).",
        CustomParser = r =>
        {
            string text = r.Tokens.Single().Value;
            if (Enum.TryParse<OutputFormat>(text, ignoreCase: true, out var f) && Enum.IsDefined(f)) return f;
            r.AddError($"--format '{text}' is not supported: expected safetensors or gguf.");
            return null;
        },
    };

    /// <summary>The output format: as given, else GGUF when the output path ends in .gguf.</summary>
    public static OutputFormat ResolveFormat(OutputFormat? given, string outPath) =>
        given ?? (outPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? OutputFormat.Gguf : OutputFormat.Safetensors);

    /// <summary>Checks --dtype against the format: f16/bf16/f32 for safetensors, also q8_0 for GGUF.</summary>
    public static (DType DType, GgufOutputType GgufType) ResolveDType(string text, OutputFormat format)
    {
        if (format == OutputFormat.Gguf)
        {
            if (GgufOutputTypes.TryParse(text, out var g)) return (GgufOutputTypes.PlanDType(g), g);
            throw new UsageException($"--dtype '{text}' is not supported for GGUF output: expected f16, bf16, f32 or q8_0.");
        }
        if (DTypeNames.TryParse(text, out var d) && DTypeNames.MergeOutputs.Contains(d)) return (d, GgufOutputType.F16);
        throw new UsageException($"--dtype '{text}' is not supported for safetensors output: expected f16, bf16 or f32 (q8_0 needs --format gguf).");
    }

    public static Option<DeviceChoice> Device() => new("--device")
    {
        HelpName = "auto|cpu|cuda",
        Description = "Where to compute: auto (CUDA if TorchSharp's CUDA backend and a GPU are present, else CPU), cpu, or cuda.",
        DefaultValueFactory = _ => DeviceChoice.Auto,
        CustomParser = r =>
        {
            string text = r.Tokens.Single().Value;
            if (Enum.TryParse<DeviceChoice>(text, ignoreCase: true, out var d) && Enum.IsDefined(d)) return d;
            r.AddError($"--device '{text}' is not supported: expected auto, cpu or cuda.");
            return DeviceChoice.Auto;
        },
    };

    public static Option<long> MaxShardSize() => new("--max-shard-size")
    {
        HelpName = "size",
        Description = "Largest output shard, like save_pretrained: 5GB (default) = 5*10^9 bytes, 2GiB = 2*2^30, or a byte count.",
        DefaultValueFactory = _ => MergePlanner.DefaultMaxShardBytes,
        CustomParser = r =>
        {
            try
            {
                return ShardSize.Parse(r.Tokens.Single().Value);
            }
            catch (FormatException e)
            {
                r.AddError("--max-shard-size: " + e.Message);
                return 0;
            }
        },
    };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Check the inputs and print the plan (tensors, shapes, shards) without reading tensor data or writing anything." };

    /// <summary>--threads: threads for the CPU kernels and libtorch (default: the machine's logical processors).</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        HelpName = "N",
        Description = "Threads for inference on the CPU (default: all logical processors).",
    };

    /// <summary>The --threads value, checked.</summary>
    public static int? ThreadsValue(ParseResult parse, Option<int?> option) => parse.GetValue(option) switch
    {
        null => null,
        < 1 and var n => throw new UsageException($"--threads must be at least 1, got {n}."),
        var n => n,
    };
}
