using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DeltaMerge.Compute;
using DeltaMerge.Demo;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Pipeline.Jobs;

namespace DeltaMerge.Cli.Commands;

/// <summary>
/// <c>demo</c>: proves a merge on a tiny model. A random base; a copy fine-tuned with TorchSharp to answer
/// MT-LLaMA-style prompts; <c>make-delta</c>; <c>merge</c> with checksum verification; the prompts asked of base and
/// merged model; the merged tensors compared with the fine-tuned ones. No downloads.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(GlobalOptions global)
    {
        var dir = new Option<string?>("--dir") { Description = "Keep the demo's base, finetuned, delta and merged models in this directory (default: a temporary directory, removed afterwards)." };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var command = new Command("demo",
            "Prove the merge on a tiny model: fine-tune a random base to answer MT-LLaMA-style prompts, publish the delta with make-delta, " +
            "merge it back with verification, and compare the answers and tensors.")
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
        var printer = new Printer(ctx.JsonOutput);
        var result = MergeDemo.Run(root, new FineTuneOptions(), device, ctx.Log, printer, ctx.Cancellation);
        printer.Answers(result.Answers);
        printer.Comparison(result.Comparison);
        printer.Say(result.Proven
            ? "The merged model answers every prompt as the fine-tuned model was taught, the random base answers none: the merge restored the fine-tune."
            : "NOT PROVEN: see the answers and the comparison above.");
        printer.Say(string.Create(CultureInfo.InvariantCulture,
            $"Done in {clock.Elapsed.TotalSeconds:F1} s.{(kept ? $" Models kept in {root}." : " (temporary files removed; use --dir DIR to keep them)")}"));
        if (ctx.JsonOutput)
            CommandRunner.WriteJson(new
            {
                Prompts = result.Answers.Select(a => new { a.Prompt, a.Expected, a.Base, a.Merged, a.Task }).ToList(),
                result.Comparison.DifferingElements,
                MaxAbsDiffVsFinetuned = result.Comparison.MaxAbsDiff,
                ComparedElements = result.Comparison.Elements,
                ComparedTensors = result.Comparison.Tensors,
                result.Comparison.ExactDeltaElements,
                result.Comparison.DifferingWhereExact,
                Proven = result.Proven,
                Verified = result.Verification.Ok,
                FineTune = result.FineTune,
                Directory = kept ? root : null,
            });
        if (!result.Verification.Ok) return ExitCodes.ChecksumMismatch;
        if (!result.Proven) ctx.Log.Error("The demo did not prove the merge: a merged answer differs from the expected one, or the base already knew it.");
        return result.Proven ? ExitCodes.Success : ExitCodes.InternalError;
    }

    /// <summary>Prints each step as the demo reaches it (nothing with --json: stdout then holds the JSON alone).</summary>
    private sealed class Printer(bool json) : MergeDemo.IObserver
    {
        private const int ShownChars = 48;

        public void Say(string line)
        {
            if (!json) Console.WriteLine(line);
        }

        public void BaseReady(string path, SyntheticLlama.Shape s) =>
            Say($"1. Base: a random LLaMA ({s.Layers} layers, hidden {s.Hidden}, {s.Heads} heads, vocabulary {s.Vocab}, fp16) in {path}");

        public void FineTuned(string path, FineTuneSummary f) => Say(string.Create(CultureInfo.InvariantCulture,
            $"2. Fine-tuned a copy with TorchSharp autograd + Adam to answer {DemoPrompts.All.Count} MT-LLaMA-style prompts: {f.Steps} steps in {f.Seconds:F1} s, " +
            $"answer loss {f.Loss:F4}; every answer token leads by >= {f.Margin:F2} logits with the weights in fp16 -> {path} (fp16, + [PAD] row)"));

        public void DeltaMade(string path, DeltaJobResult r) =>
            Say($"3. make-delta: delta = finetuned - base -> {path} ({r.Plan.TaskCount} tensors, {ProgressView.Bytes(r.Plan.TotalBytes)}, SHA256SUMS)");

        public void Merged(string path, DeltaJobResult r, VerificationResult v)
        {
            var report = r.Report!;
            Say($"4. merge: base + delta -> {path} on {report.Device}, each tensor computed in float32 and rounded once to fp16; " +
                $"{report.Inputs.Values.Sum(i => i.Files.Count(f => f.Verified.Count > 0))} input files checked against their SHA256SUMS");
            Say($"   verify: {(v.Ok ? "OK" : "FAILED")} ({v.Files.Count} files re-hashed, {v.TensorCount} tensors, index consistent)");
            foreach (var p in v.Problems) Say($"   problem: {p.Kind}: {p.Message}");
        }

        public void Answers(IReadOnlyList<DemoAnswer> answers)
        {
            Say("5. The prompts, asked of the base and of the merged model by the runtime (greedy, to the newline, as MT-LLaMA's evaluation):");
            foreach (var a in answers)
            {
                Say($"   [{a.Task}] {Shorten(a.Prompt.StartsWith(Eval.Tasks.MtLlamaPrompts.SystemText, StringComparison.Ordinal) ? "…" + a.Prompt[Eval.Tasks.MtLlamaPrompts.SystemText.Length..] : a.Prompt, 110)}");
                Say($"      expected: {a.Expected}");
                Say($"      base    : {Shorten(a.Base, ShownChars)}{(a.BaseCorrect ? "   (right)" : "   (wrong)")}");
                Say($"      merged  : {Shorten(a.Merged, ShownChars)}{(a.MergedCorrect ? "   (right)" : "   (WRONG)")}");
            }
        }

        public void Comparison(TensorComparison c)
        {
            Say(string.Create(CultureInfo.InvariantCulture,
                $"6. merged vs finetuned, element by element: {c.Elements:N0} fp16 values in {c.Tensors} tensors; {c.DifferingElements:N0} differ, largest |difference| {c.MaxAbsDiff:G4}."));
            Say(string.Create(CultureInfo.InvariantCulture,
                $"   {c.ExactDeltaElements:N0} values changed by an amount fp16 represents exactly (or not at all): {c.DifferingWhereExact:N0} of them differ{(c.DifferingWhereExact == 0 ? ", all restored bit for bit" : "")}."));
            Say(string.Create(CultureInfo.InvariantCulture,
                $"   {c.RoundedDeltaElements:N0} changed by an amount the fp16 delta had to round: {c.DifferingElements - c.DifferingWhereExact:N0} of them differ, since the delta holds those changes rounded (docs/demo.md)."));
        }

        /// <summary>One line of at most <paramref name="max"/> characters, control characters shown as escapes.</summary>
        private static string Shorten(string text, int max)
        {
            string flat = string.Concat(text.Select(ch => char.IsControl(ch) ? $"\\x{(int)ch:x2}" : ch.ToString()));
            return flat.Length <= max ? flat : flat[..max] + "…";
        }
    }
}
