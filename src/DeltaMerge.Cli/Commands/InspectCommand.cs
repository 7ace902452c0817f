using System.CommandLine;
using DeltaMerge.Formats.HuggingFace;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>inspect PATH</c>: format, config summary and tensor table of a model directory or weight file.</summary>
internal static class InspectCommand
{
    public static Command Create(GlobalOptions global)
    {
        var path = new Argument<string>("PATH") { Description = "A model directory, a .safetensors file, or a torch.save file (.bin/.pth)." };
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Show the tensors (name, dtype, shape, bytes, file) and config summary of a model directory or weight file.")
        {
            path, json,
        };
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            var result = ModelInspector.Inspect(parse.GetValue(path)!);
            if (ctx.JsonOutput)
            {
                CommandRunner.WriteJson(result);
                return ExitCodes.Success;
            }
            Console.WriteLine($"{result.Path}: {result.Format}, {result.Tensors.Count} tensors, {ProgressView.Bytes(result.TotalBytes)}");
            foreach (var (key, value) in result.Config) Console.WriteLine($"  {key}: {value?.ToJsonString()}");
            foreach (var (key, value) in result.Metadata) Console.WriteLine($"  {key}: {value}");
            int nameWidth = Math.Min(60, result.Tensors.Select(t => t.Name.Length).DefaultIfEmpty(4).Max());
            foreach (var t in result.Tensors)
                Console.WriteLine($"  {t.Name.PadRight(nameWidth)}  {t.DType,-5} {Formats.TensorEntry.FormatShape(t.Shape),-16} {t.Bytes,14:N0}  {t.File}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
