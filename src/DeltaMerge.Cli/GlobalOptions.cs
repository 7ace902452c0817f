using System.CommandLine;

namespace DeltaMerge.Cli;

/// <summary>Options every command accepts.</summary>
public sealed class GlobalOptions
{
    /// <summary>--verbose: debug logs and stack traces.</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log details (debug level) and stack traces of errors.", Recursive = true };

    /// <summary>--quiet: warnings and errors only, no progress bar.</summary>
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Log only warnings and errors; no progress bar.", Recursive = true };

    /// <summary>--log-file: also log (debug level) to a file.</summary>
    public Option<string?> LogFile { get; } = new("--log-file") { Description = "Also write a debug-level log to this file.", Recursive = true };

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(RootCommand root)
    {
        root.Options.Add(Verbose);
        root.Options.Add(Quiet);
        root.Options.Add(LogFile);
    }
}
