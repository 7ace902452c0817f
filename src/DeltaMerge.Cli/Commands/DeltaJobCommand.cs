using System.CommandLine;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli.Commands;

/// <summary>
/// <c>merge</c> (base + delta, exactly as MT-LLaMA's apply_delta) and <c>make-delta</c> (target - base, FastChat's
/// make_delta): the same job with the operands and option names swapped.
/// </summary>
internal static class DeltaJobCommand
{
    /// <summary>One input option of the command.</summary>
    private sealed record InputOption(string Side, string Help);

    public static Command Merge(GlobalOptions global) => Create(global, "merge",
        "Apply a weight delta to a base model and write fp16 safetensors shards with index, config, tokenizer, SHA256SUMS and merge-report.json.",
        TensorOperation.Add,
        primary: new InputOption("base", "Base model directory (Hugging Face layout, .bin or .safetensors shards), e.g. LLaMA-7b."),
        secondary: new InputOption("delta", "Delta directory, e.g. DAMO-NLP-SG/mt-llama-7b-delta."),
        dtypeHelp: "Output type: f16 (default, as the authors), bf16 or f32; with --format gguf also q8_0. Inputs are first rounded to fp16 as the authors loaded them.");

    public static Command MakeDelta(GlobalOptions global) => Create(global, "make-delta",
        "Compute delta = target - base (base vocabulary rows extended with zeros), written like merge's output, with the target's tokenizer.",
        TensorOperation.Subtract,
        primary: new InputOption("target", "Fine-tuned model directory (may have more vocabulary rows than the base)."),
        secondary: new InputOption("base", "Base model directory the delta is taken against."),
        dtypeHelp: "Delta element type: f16 (default), bf16 or f32.");

    private static Command Create(GlobalOptions global, string name, string description, TensorOperation operation,
        InputOption primary, InputOption secondary, string dtypeHelp)
    {
        var primaryPath = CommonOptions.RequiredPath("--" + primary.Side, primary.Help);
        var secondaryPath = CommonOptions.RequiredPath("--" + secondary.Side, secondary.Help);
        var primarySums = CommonOptions.Checksums($"--{primary.Side}-checksums", primary.Side);
        var secondarySums = CommonOptions.Checksums($"--{secondary.Side}-checksums", secondary.Side);
        var output = new OutputOptions(dtypeHelp);
        var sanity = new Option<bool>("--sanity") { Description = "After the merge, load the result and run one built-in zero-shot prompt for each of four MT-LLaMA task formats." };
        var threads = CommonOptions.Threads();
        // Options appear in help in the order users think of them: base first.
        var command = new Command(name, description);
        foreach (var option in operation == TensorOperation.Add
                     ? new Option[] { primaryPath, secondaryPath, primarySums, secondarySums }
                     : [secondaryPath, primaryPath, secondarySums, primarySums])
            command.Options.Add(option);
        output.AddTo(command);
        if (operation == TensorOperation.Add)
        {
            command.Options.Add(sanity);
            command.Options.Add(threads);
        }
        command.SetAction(parse => CommandRunner.Run(parse, global, output.Json, ctx => output.Run(parse, ctx, new DeltaJobOptions
        {
            Operation = operation,
            Primary = new InputSpec(primary.Side, parse.GetValue(primaryPath)!, parse.GetValue(primarySums) ?? []),
            Secondary = new InputSpec(secondary.Side, parse.GetValue(secondaryPath)!, parse.GetValue(secondarySums) ?? []),
            OutputPath = "",
        }, operation == TensorOperation.Add ? (sanity, threads) : null)));
        return command;
    }
}
