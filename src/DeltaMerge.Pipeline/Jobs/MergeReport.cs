namespace DeltaMerge.Pipeline.Jobs;

/// <summary>The content of <c>merge-report.json</c>: what was read, verified, computed and written, and how long it took.</summary>
public sealed record MergeReport(
    ToolInfo Tool,
    string Operation,
    string Dtype,
    string Device,
    IReadOnlyDictionary<string, InputReport> Inputs,
    VocabularyReport Vocabulary,
    IReadOnlyList<SkippedReport> Skipped,
    IReadOnlyList<TensorReport> Tensors,
    IReadOnlyList<OutputFileReport> Outputs,
    TimingsReport TimingsSeconds)
{
    /// <summary>The report's file name in a safetensors output directory.</summary>
    public const string FileName = "merge-report.json";
}

/// <summary>Tool name and version.</summary>
public sealed record ToolInfo(string Name, string Version);

/// <summary>One input model.</summary>
public sealed record InputReport(string Path, string Layout, IReadOnlyList<string> ChecksumFiles, IReadOnlyList<InputFileReport> Files);

/// <summary>One input file: its digests and what they were verified against.</summary>
public sealed record InputFileReport(string Name, long Bytes, string Sha256, string? Md5, IReadOnlyList<string> Verified, long RereadBytes);

/// <summary>Vocabulary rows before and after (MT-LLaMA: 32000 -> 32001).</summary>
public sealed record VocabularyReport(long BaseRows, long OutputRows, long ZeroRowsAppended);

/// <summary>A tensor left out of the output.</summary>
public sealed record SkippedReport(string Name, string Input, string Reason);

/// <summary>An output tensor.</summary>
public sealed record TensorReport(string Name, IReadOnlyList<long> Shape, string Dtype, string File);

/// <summary>An output file (the report itself and SHA256SUMS are not listed here).</summary>
public sealed record OutputFileReport(string Name, long Bytes, string Sha256);

/// <summary>Wall-clock phases and the busy time of each pipeline stage (stages overlap).</summary>
public sealed record TimingsReport(double OpenAndPlan, double Execute, double ReadBusy, double ComputeBusy, double WriteBusy, double Finalize, double Total);
