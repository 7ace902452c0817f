using System.CommandLine;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>run</c>: generate a continuation of a prompt, streaming tokens to stdout (or one JSON object).</summary>
internal static class RunCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = new ModelOptions();
        var prompt = CommonOptions.RequiredPath("--prompt", "The prompt text (BOS is added as the tokenizer config says).");
        var json = CommonOptions.Json();
        var command = new Command("run", "Load a model (directory or .gguf) and generate from a prompt: greedy by default, or sampled.") { prompt, json };
        model.AddModelTo(command);
        model.AddSamplingTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            var options = model.Generation(parse);
            using var session = model.Open(parse);
            var ids = session.Tokenizer.Encode(parse.GetValue(prompt)!);
            var result = session.Generator.Generate(ids, options, ctx.JsonOutput ? null : text =>
            {
                Console.Out.Write(text);
                Console.Out.Flush();
            }, cancellationToken: ctx.Cancellation);
            if (ctx.JsonOutput)
            {
                CommandRunner.WriteJson(new
                {
                    PromptTokens = result.PromptTokens, Tokens = result.Tokens, Text = result.Text,
                    StopReason = result.Reason.ToString(), PrefillSeconds = result.PrefillSeconds, DecodeSeconds = result.DecodeSeconds,
                    TokensPerSecond = result.TokensPerSecond,
                });
            }
            else
            {
                Console.Out.WriteLine();
                ctx.Log.Information("{Tokens} tokens in {Seconds:F2} s ({Rate:F2} tokens/s; prompt {Prompt} tokens in {Prefill:F2} s); stopped: {Reason}",
                    result.Tokens.Count, result.DecodeSeconds, result.TokensPerSecond, result.PromptTokens.Count, result.PrefillSeconds, result.Reason);
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
