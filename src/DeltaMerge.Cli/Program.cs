using System.CommandLine;
using DeltaMerge.Cli;
using DeltaMerge.Cli.Commands;

Interrupts.Install();
AllocatorTuning.Apply();
DeltaMerge.Runtime.OpenMpWaits.PreferPassive();   // before anything loads libtorch
var global = new GlobalOptions();
var root = new RootCommand("deltamerge: rebuild fine-tuned LLaMA models from published weight deltas (MT-LLaMA and others), verified end to end.");
global.AddTo(root);
root.Subcommands.Add(DeltaJobCommand.Merge(global));
root.Subcommands.Add(DeltaJobCommand.MakeDelta(global));
root.Subcommands.Add(ConvertCommand.Create(global));
root.Subcommands.Add(VerifyCommand.Create(global));
root.Subcommands.Add(RunCommand.Create(global));
root.Subcommands.Add(ScoreCommand.Create(global));
root.Subcommands.Add(ChatCommand.Create(global));
root.Subcommands.Add(EvalCommand.Create(global));
root.Subcommands.Add(EvalSuiteCommand.Create(global));
root.Subcommands.Add(EvalMergeCommand.Create(global));
root.Subcommands.Add(InspectCommand.Create(global));
root.Subcommands.Add(DemoCommand.Create(global));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine("error: " + error.Message);
    Console.Error.WriteLine("Run 'deltamerge --help' (or '<command> --help') for usage.");
    return ExitCodes.Usage;
}
return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
