using System.CommandLine;
using System.Globalization;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Sharding;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>eval</c>: one task of MT-LLaMA's zero-shot protocol on one data file.</summary>
internal static class EvalCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = new ModelOptions();
        var task = new Option<string>("--task") { Description = "The task: " + TaskCatalog.Names + ".", Required = true };
        var data = CommonOptions.RequiredPath("--data", "The task's data: .parquet (or a directory of them), .jsonl, .json (SQuAD format, a JSON array, or JSON Lines) or GLUE .tsv.");
        var eval = new EvalOptionsCli();
        var json = CommonOptions.Json();
        var command = new Command("eval", "Evaluate a model on one task exactly as MT-LLaMA's authors did (prompts, decoding, label extraction, scoring), next to the published numbers.") { task, data, json };
        model.AddModelTo(command);
        eval.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            if (!TaskCatalog.TryParse(parse.GetValue(task)!, out var spec)) throw new UsageException($"--task '{parse.GetValue(task)}' is not known: expected one of {TaskCatalog.Names}.");
            var options = eval.Options(parse);
            if (spec.IsQa && options.Mode == EvalMode.Rank) throw new UsageException($"--mode rank is for classification; {spec.Name} is extractive QA.");
            string outDir = ShardSpec.OutputDirectory(parse.GetValue(eval.Out)!, options.Shard);
            EvalOptionsCli.CheckOutput(outDir, options, parse.GetValue(eval.Force));
            EvalDataset dataset = EvalDataLoader.Load(spec, parse.GetValue(data)!);
            ctx.Log.Information("{Task}: {Count} examples from {Files} ({Format})", spec.Name, dataset.Examples.Count, string.Join(", ", dataset.Files), dataset.Format);
            using var session = model.Open(parse);
            options = EvalOptionsCli.WithModel(options, parse.GetValue(model.Model)!, ctx);
            EvalResult result;
            using (var view = new EvalProgressView(!ctx.Quiet && !ctx.JsonOutput, spec.Name))
                result = RunKeepingPartial(() => new EvalRunner(session).Run(dataset, outDir, options, view, ctx.Cancellation));
            if (ctx.JsonOutput) Console.Out.WriteLine(result.Metrics.ToJson().ToJsonString(CommandRunner.Json));
            else LogSummary(ctx, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>An interrupted evaluation keeps its predictions (that is what --resume reads); says so before the exit.</summary>
    internal static T RunKeepingPartial<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (OperationCanceledException e) when (e is not InterruptedKeepingOutputException)
        {
            throw new InterruptedKeepingOutputException("Interrupted; the predictions written so far are kept: run again with --resume to continue.", e);
        }
    }

    internal static void LogSummary(CommandRunner.Context ctx, EvalResult result)
    {
        var m = result.Metrics;
        var t = m.Task;
        string ours = t.IsQa
            ? string.Create(CultureInfo.InvariantCulture, $"F1 {m.F1:0.0} / EM {m.ExactMatch:0.0}")
            : string.Create(CultureInfo.InvariantCulture, $"accuracy {m.Accuracy:0.0}%");
        string published = t.IsQa
            ? string.Create(CultureInfo.InvariantCulture, $"MT-LLaMA-7b {t.PublishedMtLlama.F1:0.0}/{t.PublishedMtLlama.ExactMatch:0.0}, LLaMA-7b {t.PublishedLlama.F1:0.0}/{t.PublishedLlama.ExactMatch:0.0}")
            : string.Create(CultureInfo.InvariantCulture, $"MT-LLaMA-7b {t.PublishedMtLlama.Accuracy:0.0}, LLaMA-7b {t.PublishedLlama.Accuracy:0.0}");
        ctx.Log.Information("{Task}: {Ours} over {N} examples ({Fallbacks} fallbacks; {Resumed} resumed); published: {Published}. Wrote {Dir}",
            t.Name, ours, m.N, m.Fallbacks, result.Resumed, published, result.OutputDirectory);
    }
}
