using System.CommandLine;
using DeltaMerge.Formats.Integrity;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>verify DIR</c>: re-hash against SHA256SUMS, validate every safetensors file and the index.</summary>
internal static class VerifyCommand
{
    public static Command Create(GlobalOptions global)
    {
        var dir = new Argument<string>("DIR") { Description = "A directory written by merge or make-delta (or any directory with SHA256SUMS and safetensors weights)." };
        var json = CommonOptions.Json();
        var command = new Command("verify", "Re-hash every file against SHA256SUMS, validate every safetensors file, and check the index covers exactly the tensors present.")
        {
            dir, json,
        };
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            var result = DirectoryVerifier.Verify(parse.GetValue(dir)!, (name, ok) =>
            {
                if (!ctx.JsonOutput) Console.WriteLine($"{name}: {(ok ? "OK" : "FAILED")}");
            });
            if (ctx.JsonOutput)
            {
                CommandRunner.WriteJson(new { Status = result.Ok ? "ok" : "failed", result.Directory, result.TensorCount, result.Files, result.Problems });
            }
            else
            {
                foreach (var p in result.Problems) Console.Error.WriteLine($"problem: {p.Kind}: {p.Path}: {p.Message}");
                Console.WriteLine(result.Ok
                    ? $"{result.Directory}: OK ({result.Files.Count} files, {result.TensorCount} tensors)"
                    : $"{result.Directory}: FAILED ({result.Problems.Count} problem(s))");
            }
            if (result.Ok) return ExitCodes.Success;
            return result.Problems.Any(p => p.Kind is VerificationProblemKind.ChecksumMismatch or VerificationProblemKind.MissingFile
                or VerificationProblemKind.MissingChecksums or VerificationProblemKind.UnlistedFile)
                ? ExitCodes.ChecksumMismatch
                : ExitCodes.InvalidInput;
        }));
        return command;
    }
}
