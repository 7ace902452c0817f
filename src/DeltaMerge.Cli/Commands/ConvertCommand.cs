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
        var outPath = CommonOptions.RequiredPath("--out", "Output: a directory (safetensors) or FILE.gguf; written atomically.");
        var format = CommonOptions.Format();
        var dtype = CommonOptions.OutputDType("Output type: f16 (default), bf16 or f32; with --format gguf also q8_0. One rounding from the stored type.");
        var device = CommonOptions.Device();
        var sums = CommonOptions.Checksums("--model-checksums", "model");
        var allowUnlisted = CommonOptions.AllowUnlisted();
        var maxShard = CommonOptions.MaxShardSize();
        var force = CommonOptions.Force();
        var json = CommonOptions.Json();
        var dryRun = CommonOptions.DryRun();
        var ggufName = new Option<string?>("--name") { Description = "general.name written into a GGUF output (default: the file name without .gguf)." };
        var command = new Command("convert", "Convert a model: Hugging Face or Meta to GGUF or safetensors, or GGUF (F32/F16/BF16) back to safetensors (q/k permutation undone).")
        {
            model, outPath, format, dtype, device, sums, allowUnlisted, maxShard, force, json, dryRun, ggufName,
        };
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            string output = parse.GetValue(outPath)!;
            var outputFormat = CommonOptions.ResolveFormat(parse.GetValue(format), output);
            var (outputDType, ggufType) = CommonOptions.ResolveDType(parse.GetValue(dtype)!, outputFormat);
            var options = new DeltaJobOptions
            {
                Operation = TensorOperation.Convert,
                Primary = new InputSpec("model", parse.GetValue(model)!, parse.GetValue(sums) ?? []),
                OutputPath = output,
                Format = outputFormat,
                GgufType = ggufType,
                ModelName = parse.GetValue(ggufName),
                OutputDType = outputDType,
                Device = parse.GetValue(device),
                AllowUnlisted = parse.GetValue(allowUnlisted),
                MaxShardBytes = parse.GetValue(maxShard),
                Force = parse.GetValue(force),
                DryRun = parse.GetValue(dryRun),
            };
            DeltaJobResult result;
            using (var progress = new ProgressView(!ctx.Quiet && !ctx.JsonOutput))
                result = DeltaJob.Run(options, ctx.Log, progress, ctx.Cancellation);
            DeltaJobPrinter.Print(result, ctx.JsonOutput);
            return ExitCodes.Success;
        }));
        return command;
    }
}
