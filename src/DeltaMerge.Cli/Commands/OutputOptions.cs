using System.CommandLine;
using DeltaMerge.Compute;
using DeltaMerge.Pipeline.Jobs;

namespace DeltaMerge.Cli.Commands;

/// <summary>The output and execution options merge, make-delta and convert share, and running the job they describe.</summary>
internal sealed class OutputOptions
{
    private readonly Option<string> _out = CommonOptions.RequiredPath("--out", "Output: a directory (safetensors) or FILE.gguf; written atomically, refused if it exists unless --force.");
    private readonly Option<Pipeline.Jobs.OutputFormat?> _format = CommonOptions.Format();
    private readonly Option<string> _dtype;
    private readonly Option<DeviceChoice> _device = CommonOptions.Device();
    private readonly Option<bool> _allowUnlisted = CommonOptions.AllowUnlisted();
    private readonly Option<long> _maxShard = CommonOptions.MaxShardSize();
    private readonly Option<bool> _force = CommonOptions.Force();
    private readonly Option<bool> _dryRun = CommonOptions.DryRun();
    private readonly Option<string?> _name = new("--name") { Description = "general.name written into a GGUF output (default: the file name without .gguf)." };

    public OutputOptions(string dtypeHelp) => _dtype = CommonOptions.OutputDType(dtypeHelp);

    /// <summary>--json, which <see cref="CommandRunner"/> needs too.</summary>
    public Option<bool> Json { get; } = CommonOptions.Json();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _out, _format, _dtype, _device, _allowUnlisted, _maxShard, _force, Json, _dryRun, _name })
            command.Options.Add(option);
    }

    /// <summary>Completes <paramref name="job"/> (operation and inputs set) with the output options; runs it and prints the outcome.</summary>
    public int Run(ParseResult parse, CommandRunner.Context ctx, DeltaJobOptions job, (Option<bool> Check, Option<int?> Threads)? sanity = null)
    {
        string output = parse.GetValue(_out)!;
        var format = CommonOptions.ResolveFormat(parse.GetValue(_format), output);
        var (dtype, ggufType) = CommonOptions.ResolveDType(parse.GetValue(_dtype)!, format);
        var options = job with
        {
            OutputPath = output,
            Format = format,
            GgufType = ggufType,
            ModelName = parse.GetValue(_name),
            OutputDType = dtype,
            Device = parse.GetValue(_device),
            AllowUnlisted = parse.GetValue(_allowUnlisted),
            MaxShardBytes = parse.GetValue(_maxShard),
            Force = parse.GetValue(_force),
            DryRun = parse.GetValue(_dryRun),
        };
        DeltaJobResult result;
        using (var progress = new ProgressView(!ctx.Quiet && !ctx.JsonOutput))
            result = DeltaJob.Run(options, ctx.Log, TestHold.Wrap(progress, ctx.Cancellation), ctx.Cancellation);
        bool check = sanity is { } s && parse.GetValue(s.Check) && result.OutputPath != null;
        if (!check || !ctx.JsonOutput) DeltaJobPrinter.Print(result, ctx.JsonOutput);
        if (check)
        {
            var outcomes = SanityPrinter.Run(result.OutputPath!, options.Device, CommonOptions.ThreadsValue(parse, sanity!.Value.Threads), ctx);
            if (ctx.JsonOutput)
                CommandRunner.WriteJson(new { Status = "ok", Output = result.OutputPath, Report = result.Report, Sanity = SanityPrinter.Json(outcomes) });
        }
        return ExitCodes.Success;
    }
}
