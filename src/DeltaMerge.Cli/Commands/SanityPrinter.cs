using System.Globalization;
using DeltaMerge.Compute;
using DeltaMerge.Eval.Sanity;
using DeltaMerge.Runtime;

namespace DeltaMerge.Cli.Commands;

/// <summary>Loads a just-written model and runs the four built-in MT-LLaMA prompts (<c>merge --sanity</c>, <c>demo</c>).</summary>
internal static class SanityPrinter
{
    public static IReadOnlyList<SanityCheck.Outcome> Run(string modelPath, DeviceChoice device, int? threads, CommandRunner.Context ctx)
    {
        ctx.Log.Information("Sanity check: loading {Path}", modelPath);
        using var session = ModelSession.Open(modelPath, new RuntimeOptions { Device = device, Threads = threads });
        var outcomes = SanityCheck.Run(session, ctx.Cancellation);
        if (!ctx.JsonOutput)
            foreach (var o in outcomes)
            {
                Console.WriteLine($"[{o.Case.Task}] {o.Case.Prompt}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  -> {o.Answer}  ({o.Result.Tokens.Count} tokens, {o.Result.TokensPerSecond:F1} tokens/s, stopped: {o.Result.Reason})"));
            }
        return outcomes;
    }

    /// <summary>The outcomes as plain records for --json.</summary>
    public static object Json(IReadOnlyList<SanityCheck.Outcome> outcomes) => outcomes.Select(o => new
    {
        o.Case.Task,
        o.Case.Prompt,
        o.Answer,
        Tokens = o.Result.Tokens,
        TokensPerSecond = o.Result.TokensPerSecond,
        StopReason = o.Result.Reason.ToString(),
    }).ToList();
}
