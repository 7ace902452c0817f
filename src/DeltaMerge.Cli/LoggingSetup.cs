using Serilog;
using Serilog.Events;

namespace DeltaMerge.Cli;

/// <summary>Serilog to stderr (never stdout, which carries results and --json), optionally also to a file.</summary>
public static class LoggingSetup
{
    /// <summary>Configures the global logger.</summary>
    public static Serilog.Core.Logger Create(bool verbose, bool quiet, string? logFile)
    {
        var level = verbose ? LogEventLevel.Debug : quiet ? LogEventLevel.Warning : LogEventLevel.Information;
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (logFile != null)
            config = config.WriteTo.File(logFile, restrictedToMinimumLevel: LogEventLevel.Debug, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return config.CreateLogger();
    }
}
