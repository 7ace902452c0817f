using System.CommandLine;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli.Commands;

/// <summary>
/// <c>convert</c>: one model between formats, through the same streaming, verified, atomic pipeline as merge:
/// Hugging Face (.bin or safetensors) or Meta directory to GGUF or safetensors; GGUF (F32/F16/BF16) back to safetensors.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = CommonOptions.RequiredPath("--model", "A Hugging Face directory (.bin or .safetensors), a Meta directory (params.json + consolidated.NN.pth), or a .gguf file.");
        var sums = CommonOptions.Checksums("--model-checksums", "model");
        var output = new OutputOptions("Output type: f16 (default), bf16 or f32; with --format gguf also q8_0. One rounding from the stored type.");
        var command = new Command("convert", "Convert a model: Hugging Face or Meta to GGUF or safetensors, or GGUF (F32/F16/BF16) back to safetensors (q/k permutation undone).")
        {
            model, sums,
        };
        output.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, output.Json, ctx => output.Run(parse, ctx, new DeltaJobOptions
        {
            Operation = TensorOperation.Convert,
            Primary = new InputSpec("model", parse.GetValue(model)!, parse.GetValue(sums) ?? []),
            OutputPath = "",
        })));
        return command;
    }
}
