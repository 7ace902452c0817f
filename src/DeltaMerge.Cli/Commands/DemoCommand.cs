using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DeltaMerge.Compute;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Pipeline.Demo;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli.Commands;

/// <summary>
/// <c>demo</c>: makes a small synthetic LLaMA-shaped base and a delta with one extra vocabulary row ([PAD], as
/// MT-LLaMA's), merges them with checksum verification, verifies the output, and says what happened. No downloads.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(GlobalOptions global)
    {
        var dir = new Option<string?>("--dir") { Description = "Keep the demo's base, delta and merged model in this directory (default: a temporary directory, removed afterwards)." };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("demo", "Run the whole pipeline on a small built-in synthetic model: make base + delta, merge with verification, verify the result.")
        {
            dir, device, json,
        };
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            string? keep = parse.GetValue(dir);
            string root = keep ?? Path.Combine(Path.GetTempPath(), "deltamerge-demo-" + Guid.NewGuid().ToString("N")[..8]);
            if (keep != null && Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
                throw new Formats.IO.OutputExistsException(Path.GetFullPath(root));
            try
            {
                return Run(root, parse.GetValue(device), ctx, keep != null);
            }
            finally
            {
                if (keep == null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        }));
        return command;
    }

    private static int Run(string root, DeviceChoice device, CommandRunner.Context ctx, bool kept)
    {
        var clock = Stopwatch.StartNew();
        var shape = SyntheticLlama.Demo;
        string basePath = Path.Combine(root, "base"), deltaPath = Path.Combine(root, "delta"), outPath = Path.Combine(root, "merged");
        void Say(string line)
        {
            if (!ctx.JsonOutput) Console.WriteLine(line);
        }
        Say($"1. Synthetic LLaMA-shaped models in {root}:");
        SyntheticLlama.WriteBase(basePath, shape);
        SyntheticLlama.WriteDelta(deltaPath, shape);
        Say($"   base : {shape.Layers} layers, hidden {shape.Hidden}, intermediate {shape.Intermediate}, vocabulary {shape.Vocab} (fp16 safetensors + SHA256SUMS)");
        Say($"   delta: same shapes, vocabulary {shape.Vocab + 1} (one extra row for [PAD], as MT-LLaMA's delta)");
        var result = DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Add,
            Primary = new InputSpec("base", basePath, [Path.Combine(basePath, Sha256Sums.FileName)]),
            Secondary = new InputSpec("delta", deltaPath, [Path.Combine(deltaPath, Sha256Sums.FileName)]),
            OutputPath = outPath,
            Device = device,
        }, ctx.Log, null, ctx.Cancellation);
        var r = result.Report!;
        Say($"2. Merged on {r.Device}: {result.Plan.TaskCount} tensors, {ProgressView.Bytes(result.Plan.TotalBytes)} fp16, base + delta computed in float32 and rounded once, as PyTorch does");
        Say($"   every input file hashed while read and checked against its SHA256SUMS ({r.Inputs.Values.Sum(i => i.Files.Count(f => f.Verified.Count > 0))} files verified)");
        Say($"   vocabulary {r.Vocabulary.BaseRows} -> {r.Vocabulary.OutputRows}: {r.Vocabulary.ZeroRowsAppended} zero row appended to the base before adding");
        var verification = DirectoryVerifier.Verify(outPath);
        Say($"3. verify {outPath}: {(verification.Ok ? "OK" : "FAILED")} ({verification.Files.Count} files re-hashed, {verification.TensorCount} tensors, index consistent)");
        foreach (var p in verification.Problems) Say($"   problem: {p.Kind}: {p.Message}");
        Say("4. Loaded the merged model in the bundled TorchSharp runtime; MT-LLaMA's four zero-shot formats (random weights, so the answers are noise):");
        var sanity = SanityPrinter.Run(outPath, device, threads: null, ctx);
        Say(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalSeconds:F1} s.{(kept ? $" Files kept in {root}." : " (temporary files removed; use --dir DIR to keep them)")}"));
        if (ctx.JsonOutput)
            CommandRunner.WriteJson(new { Status = verification.Ok ? "ok" : "failed", Directory = kept ? root : null, Report = r, Verification = new { verification.Ok, verification.Problems }, Sanity = SanityPrinter.Json(sanity) });
        return verification.Ok ? ExitCodes.Success : ExitCodes.ChecksumMismatch;
    }
}
