using System.CommandLine;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>eval-merge</c>: the shards of one eval or eval-suite run, checked and combined into what the unsharded run writes.</summary>
internal static class EvalMergeCommand
{
    public static Command Create(GlobalOptions global)
    {
        var shards = new Argument<string[]>("SHARD_DIR")
        {
            Description = "Shard directories (OUT/shard-K-of-N/ of eval or eval-suite --shard), or a directory holding them (the shards' --out).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CommonOptions.RequiredPath("--out", "The merged run's directory: written atomically, refused if it exists unless --force.");
        var force = CommonOptions.Force();
        var json = CommonOptions.Json();
        var command = new Command("eval-merge",
            "Check that shard directories are the complete, finished shards of one eval or eval-suite run (same model, tasks, data and options) and write the run's predictions, metrics and reports as an unsharded run would.")
        {
            shards, output, force, json,
        };
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            var result = ShardMerger.Merge(parse.GetValue(shards)!, parse.GetValue(output)!, parse.GetValue(force));
            string report = Path.Combine(result.OutputDirectory, EvalRunner.ReportFileName);
            if (ctx.JsonOutput)
            {
                var tasks = new JsonArray(result.Metrics.Select(m => (JsonNode)m.ToJson()).ToArray());
                var dirs = new JsonArray(result.Shards.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray());
                Console.Out.WriteLine(new JsonObject
                {
                    ["status"] = "ok", ["output"] = result.OutputDirectory, ["shards"] = dirs, ["tasks"] = tasks, ["report"] = report,
                }.ToJsonString(CommandRunner.Json));
            }
            else
            {
                ctx.Log.Information("Merged {Count} {Kind} shards into {Dir}", result.ShardCount, result.Suite ? "eval-suite" : "eval", result.OutputDirectory);
                foreach (var m in result.Metrics) ctx.Log.Information("{Metrics}", m.ToJson().ToJsonString());
                ctx.Log.Information("Wrote {Report}", report);
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
