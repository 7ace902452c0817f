using System.Globalization;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli.Commands;

/// <summary>Prints the outcome of merge and make-delta, for people or (with --json) for programs.</summary>
internal static class DeltaJobPrinter
{
    public static void Print(DeltaJobResult result, bool json)
    {
        if (json)
        {
            if (result.Report == null) CommandRunner.WriteJson(new { Status = "planned", Plan = PlanJson(result.Plan) });
            else CommandRunner.WriteJson(new { Status = "ok", Output = result.OutputPath, Report = result.Report });
            return;
        }
        var plan = result.Plan;
        if (result.Report == null)
        {
            Console.WriteLine($"Plan: {plan.TaskCount} tensors, {ProgressView.Bytes(plan.TotalBytes)} in {plan.Shards.Count} shard(s), vocabulary {plan.PrimaryVocabRows} -> {plan.OutputVocabRows} rows");
            foreach (var shard in plan.Shards)
            {
                Console.WriteLine($"  {shard.FileName} ({ProgressView.Bytes(shard.TensorBytes)})");
                foreach (var t in shard.Tasks)
                    Console.WriteLine($"    {t.Name} {Formats.TensorEntry.FormatShape(t.OutputShape)} {t.OutputDType}{Padding(t)}");
            }
            foreach (var s in plan.Skipped) Console.WriteLine($"  skipped {s.Name} ({s.Side}): {s.Reason}");
            return;
        }
        var r = result.Report;
        bool gguf = File.Exists(result.OutputPath);
        Console.WriteLine($"Wrote {result.OutputPath}");
        Console.WriteLine(gguf
            ? $"  {plan.TaskCount} tensors, {ProgressView.Bytes(r.Outputs[0].Bytes)} GGUF ({r.Dtype}), computed on {r.Device}"
            : $"  {plan.TaskCount} tensors, {ProgressView.Bytes(plan.TotalBytes)} ({r.Dtype}) in {plan.Shards.Count} shard(s), computed on {r.Device}");
        Console.WriteLine($"  vocabulary: {r.Vocabulary.BaseRows} -> {r.Vocabulary.OutputRows} rows ({r.Vocabulary.ZeroRowsAppended} zero row(s) appended to the base)");
        foreach (var (side, input) in r.Inputs)
        {
            int verified = input.Files.Count(f => f.Verified.Count > 0);
            Console.WriteLine($"  {side}: {input.Files.Count} file(s) read and hashed, {verified} verified against {(input.ChecksumFiles.Count == 0 ? "no checksum list" : string.Join(", ", input.ChecksumFiles))}");
        }
        if (r.Skipped.Count > 0) Console.WriteLine($"  skipped {r.Skipped.Count} recomputed buffer(s) (rotary frequencies)");
        string checksums = gguf ? $"{Path.GetFileName(result.OutputPath)}.sha256 written" : $"SHA256SUMS and {MergeReport.FileName} written";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.TimingsSeconds.Total:F1} s total ({r.TimingsSeconds.Execute:F1} s streaming); {checksums}"));
    }

    private static string Padding(TensorTask t) =>
        t.PrimaryPaddingRows > 0 ? $" (+{t.PrimaryPaddingRows} zero row(s) on the first operand)" :
        t.SecondaryPaddingRows > 0 ? $" (+{t.SecondaryPaddingRows} zero row(s) on the second operand)" : "";

    private static object PlanJson(MergePlan plan) => new
    {
        Operation = plan.Operation.ToString().ToLowerInvariant(),
        Dtype = DTypeNames.Format(plan.OutputDType),
        TotalBytes = plan.TotalBytes,
        Vocabulary = new { BaseRows = plan.PrimaryVocabRows, OutputRows = plan.OutputVocabRows },
        Shards = plan.Shards.Select(s => new
        {
            File = s.FileName,
            Bytes = s.TensorBytes,
            Tensors = s.Tasks.Select(t => new
            {
                t.Name,
                Shape = t.OutputShape,
                Dtype = Formats.DTypeInfo.SafetensorsName(t.OutputDType),
                Primary = new { File = t.Primary.FilePath, Dtype = Formats.DTypeInfo.SafetensorsName(t.Primary.DType), Shape = t.Primary.Shape },
                Secondary = t.Secondary is { } s ? new { File = s.FilePath, Dtype = Formats.DTypeInfo.SafetensorsName(s.DType), Shape = s.Shape } : null,
            }),
        }),
        Skipped = plan.Skipped,
    };
}
