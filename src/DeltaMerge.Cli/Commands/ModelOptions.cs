using System.CommandLine;
using DeltaMerge.Compute;
using DeltaMerge.Runtime;
using DeltaMerge.Runtime.Generation;

namespace DeltaMerge.Cli.Commands;

/// <summary>Options of the commands that load a model (run, score, chat): path, device, and sampling.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; } = CommonOptions.RequiredPath("--model", "A Hugging Face or Meta model directory, or a .gguf file.");
    public Option<DeviceChoice> Device { get; } = CommonOptions.Device();
    public Option<string?> Compute { get; } = new("--compute")
    {
        HelpName = "f32|f16|bf16",
        Description = "Compute type (default: float32 on the CPU — exact, weights read as stored by the decode kernels — float16 on CUDA). f16/bf16 use libtorch's 16-bit kernels and no longer match the float32 reference exactly.",
    };
    public Option<int?> Threads { get; } = CommonOptions.Threads();
    public Option<int> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 64 };
    public Option<float> Temperature { get; } = new("--temperature") { Description = "0 (default) decodes greedily; above 0 samples.", DefaultValueFactory = _ => 0f };
    public Option<float> TopP { get; } = new("--top-p") { Description = "Nucleus sampling: keep the most likely tokens up to this total probability.", DefaultValueFactory = _ => 1f };
    public Option<int> TopK { get; } = new("--top-k") { Description = "Sample among the K most likely tokens (0: all).", DefaultValueFactory = _ => 0 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed for sampling.", DefaultValueFactory = _ => 0 };
    public Option<float> RepetitionPenalty { get; } = new("--repetition-penalty") { Description = "transformers' repetition penalty (1: none).", DefaultValueFactory = _ => 1f };
    public Option<string[]> Stop { get; } = new("--stop") { Description = "Stop when this text appears (repeatable).", Arity = ArgumentArity.ZeroOrMore };

    public void AddModelTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(Compute);
        command.Options.Add(Threads);
    }

    public void AddSamplingTo(Command command)
    {
        foreach (var o in new Option[] { MaxNewTokens, Temperature, TopP, TopK, Seed, RepetitionPenalty, Stop }) command.Options.Add(o);
    }

    public ModelSession Open(ParseResult parse)
    {
        RuntimeDType? compute = parse.GetValue(Compute)?.ToLowerInvariant() switch
        {
            null => null,
            "f32" or "float32" => RuntimeDType.Float32,
            "f16" or "float16" => RuntimeDType.Float16,
            "bf16" or "bfloat16" => RuntimeDType.BFloat16,
            var other => throw new UsageException($"--compute '{other}' is not supported: expected f32, f16 or bf16."),
        };
        // 16-bit compute keeps the weights in that type too (one conversion at load, none per token).
        var options = new RuntimeOptions
        {
            Device = parse.GetValue(Device),
            ComputeDType = compute,
            WeightDType = compute is RuntimeDType.Float32 or null ? null : compute,
            Threads = CommonOptions.ThreadsValue(parse, Threads),
        };
        return ModelSession.Open(parse.GetValue(Model)!, options);
    }

    public GenerationOptions Generation(ParseResult parse, IReadOnlyCollection<int>? stopTokens = null)
    {
        int max = parse.GetValue(MaxNewTokens);
        if (max < 0) throw new UsageException($"--max-new-tokens must not be negative, got {max}.");
        float topP = parse.GetValue(TopP);
        if (topP is <= 0 or > 1) throw new UsageException($"--top-p must be in (0, 1], got {topP}.");
        float penalty = parse.GetValue(RepetitionPenalty);
        if (penalty <= 0) throw new UsageException($"--repetition-penalty must be positive, got {penalty}.");
        int topK = parse.GetValue(TopK);
        if (topK < 0) throw new UsageException($"--top-k must not be negative, got {topK}.");
        return new GenerationOptions
        {
            MaxNewTokens = max,
            Temperature = Math.Max(0, parse.GetValue(Temperature)),
            TopP = topP,
            TopK = topK,
            Seed = parse.GetValue(Seed),
            RepetitionPenalty = penalty,
            StopStrings = parse.GetValue(Stop) ?? [],
            StopTokenIds = stopTokens ?? [],
        };
    }
}
