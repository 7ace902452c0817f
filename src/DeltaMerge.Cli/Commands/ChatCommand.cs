using System.CommandLine;
using System.Text;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Cli.Commands;

/// <summary>
/// <c>chat</c>: an interactive conversation in MT-LLaMA's own wrapper (<c>### Human: ...### Assistant:</c>), each answer
/// ending at a newline as the authors' chat does. An empty line or end of input quits.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(GlobalOptions global)
    {
        var model = new ModelOptions();
        var command = new Command("chat", "Chat with a model in MT-LLaMA's conversation format; answers stop at a newline. Empty line or Ctrl-D quits.");
        model.AddModelTo(command);
        model.AddSamplingTo(command);
        command.SetAction(parse => CommandRunner.Run(parse, global, null, ctx =>
        {
            using var session = model.Open(parse);
            var options = model.Generation(parse, [session.NewlineTokenId(), session.Tokenizer.EosId]);
            var conversation = new StringBuilder(MtLlamaPrompts.SystemText);
            bool interactive = !Console.IsInputRedirected;
            while (!ctx.Cancellation.IsCancellationRequested)
            {
                if (interactive) Console.Out.Write("### Human: ");
                string? line = Console.In.ReadLine();
                if (string.IsNullOrWhiteSpace(line)) break;
                conversation.Append("### Human: ").Append(line).Append("### Assistant:");
                if (interactive) Console.Out.Write("### Assistant:");
                var result = session.Generator.Generate(session.Tokenizer.Encode(conversation.ToString()), options, text =>
                {
                    Console.Out.Write(text);
                    Console.Out.Flush();
                }, cancellationToken: ctx.Cancellation);
                Console.Out.WriteLine();
                // FastChat renders a past answer as "Assistant: " + message.
                conversation.Append(' ').Append(result.Text.Trim());
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
