using System.CommandLine;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Sharding;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>eval-suite</c>: every task whose data is found in a directory, and the model card's two tables.</summary>
internal static class EvalSuiteCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = new ModelOptions();
        var dataDir = CommonOptions.RequiredPath("--data-dir", "Directory holding the tasks' data under conventional names (docs/eval.md), e.g. copa.jsonl, squad/dev-v1.1.json, sst2/validation-*.parquet.");
        var tasks = new Option<string[]>("--tasks")
        {
            Description = "Only these tasks (comma-separated or repeated); a named task without data is an error. Default: every task found.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var eval = new EvalOptionsCli();
        var json = CommonOptions.Json();
        var command = new Command("eval-suite", "Run every MT-LLaMA zero-shot task found in --data-dir into OUT/<task>/ and write OUT/report.md laid out like the model card.") { dataDir, tasks, json };
        model.AddModelTo(command);
        eval.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            var options = eval.Options(parse);
            IReadOnlyList<TaskSpec>? selected = null;
            string[] names = (parse.GetValue(tasks) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            if (names.Length > 0)
            {
                selected = names.Select(n => TaskCatalog.TryParse(n, out var s) ? s : throw new UsageException($"--tasks: '{n}' is not known: expected {TaskCatalog.Names}.")).Distinct().ToList();
            }
            string outDir = ShardSpec.OutputDirectory(parse.GetValue(eval.Out)!, options.Shard);
            string data = parse.GetValue(dataDir)!;
            foreach (var t in selected ?? TaskCatalog.All)
                if (SuiteFiles.Find(t, data) != null) EvalOptionsCli.CheckOutput(Path.Combine(outDir, t.Name), options, parse.GetValue(eval.Force));
            using var session = model.Open(parse);
            options = EvalOptionsCli.WithModel(options, parse.GetValue(model.Model)!, ctx);
            EvalProgressView? view = null;
            try
            {
                var outcomes = EvalCommand.RunKeepingPartial(() => new EvalSuite(session).Run(data, outDir, options, selected, (t, files) =>
                {
                    view?.Dispose();
                    ctx.Log.Information("{Task}: {Files}", t.Name, string.Join(", ", files));
                    view = new EvalProgressView(!ctx.Quiet && !ctx.JsonOutput, t.Name);
                }, new Progress(() => view), ctx.Cancellation));
                view?.Dispose();
                view = null;
                foreach (var o in outcomes)
                {
                    if (o.Result == null) ctx.Log.Warning("{Task}: no data found in {Dir}; skipped", o.Task.Name, data);
                    else if (!ctx.JsonOutput) EvalCommand.LogSummary(ctx, o.Result);
                }
                if (ctx.JsonOutput)
                {
                    var results = new JsonArray(outcomes.Where(o => o.Result != null).Select(o => (JsonNode)o.Result!.Metrics.ToJson()).ToArray());
                    var skipped = new JsonArray(outcomes.Where(o => o.Result == null).Select(o => (JsonNode)JsonValue.Create(o.Task.Name)!).ToArray());
                    Console.Out.WriteLine(new JsonObject { ["status"] = "ok", ["tasks"] = results, ["skipped"] = skipped, ["report"] = Path.GetFullPath(Path.Combine(outDir, EvalRunner.ReportFileName)) }.ToJsonString(CommandRunner.Json));
                }
                else ctx.Log.Information("Wrote {Report}", Path.GetFullPath(Path.Combine(outDir, EvalRunner.ReportFileName)));
            }
            finally
            {
                view?.Dispose();
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Forwards progress to whichever view the current task has.</summary>
    private sealed class Progress(Func<EvalProgressView?> current) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => current()?.Report(value);
    }
}
