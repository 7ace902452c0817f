using System.CommandLine;
using System.Text.Json;
using Serilog;

namespace DeltaMerge.Cli;

/// <summary>
/// Runs a command body with logging set up, turns exceptions into a specific message and exit code, and writes
/// the machine-readable result or error on stdout when --json is given.
/// </summary>
public static class CommandRunner
{
    /// <summary>JSON settings for everything printed with --json.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>What a command body gets.</summary>
    /// <param name="Log">The logger (stderr).</param>
    /// <param name="JsonOutput">Whether --json was given.</param>
    /// <param name="Quiet">Whether --quiet was given.</param>
    /// <param name="Cancellation">Cancelled by Ctrl-C or SIGTERM.</param>
    public sealed record Context(ILogger Log, bool JsonOutput, bool Quiet, CancellationToken Cancellation);

    /// <summary>Runs <paramref name="body"/>, returning its exit code or the code of the error it threw.</summary>
    public static int Run(ParseResult parse, GlobalOptions global, Option<bool>? json, Func<Context, int> body)
    {
        bool verbose = parse.GetValue(global.Verbose);
        bool quiet = parse.GetValue(global.Quiet);
        bool jsonOutput = json != null && parse.GetValue(json);
        using var logger = LoggingSetup.Create(verbose, quiet, parse.GetValue(global.LogFile));
        try
        {
            return body(new Context(logger, jsonOutput, quiet, Interrupts.Token));
        }
        catch (Exception e)
        {
            var (code, kind, message) = ErrorReport.Classify(e);
            if (code == ExitCodes.InternalError || verbose) logger.Error(e, "{Message}", message);
            else logger.Error("{Message}", message);
            if (jsonOutput) WriteJson(new { Status = "error", ExitCode = code, Error = new { Kind = kind, Message = message } });
            return code;
        }
    }

    /// <summary>Writes <paramref name="value"/> as JSON on stdout.</summary>
    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
