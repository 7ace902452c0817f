using System.CommandLine;
using System.Globalization;
using DeltaMerge.Runtime.Generation;

namespace DeltaMerge.Cli.Commands;

/// <summary><c>score</c>: per-token log-likelihood of a text under the model.</summary>
internal static class ScoreCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = new ModelOptions();
        var text = CommonOptions.RequiredPath("--text", "The text to score (BOS is added as the tokenizer config says).");
        var json = CommonOptions.Json();
        var command = new Command("score", "Per-token log-probabilities of a text: log P(token[i+1] | tokens[0..i]) and their total.") { text, json };
        model.AddModelTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, json, ctx =>
        {
            using var session = model.Open(parse);
            var tokens = session.Tokenizer.Encode(parse.GetValue(text)!);
            double[] logprobs = Scorer.LogProbs(session.Runtime, tokens);
            double total = logprobs.Sum();
            if (ctx.JsonOutput)
            {
                CommandRunner.WriteJson(new { Tokens = tokens, Logprobs = logprobs, Total = total });
                return ExitCodes.Success;
            }
            for (int i = 0; i < logprobs.Length; i++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tokens[i + 1],8} {session.Tokenizer.IdToToken(tokens[i + 1]),-16} {logprobs[i],12:F6}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {total:F6} over {logprobs.Length} tokens (mean {(logprobs.Length > 0 ? total / logprobs.Length : 0):F6})"));
            return ExitCodes.Success;
        }));
        return command;
    }
}
