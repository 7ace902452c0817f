using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Pipeline.Inputs;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>
/// One llama.cpp GGUF file and <c>FILE.gguf.sha256</c> beside it, each written to a temporary sibling and renamed into
/// place at the end; config and vocabulary go into the GGUF's metadata, so there are no companion files.
/// </summary>
/// <param name="outputPath">The GGUF file to write.</param>
/// <param name="force">Replace existing files.</param>
/// <param name="type">Weight type of the matrices.</param>
/// <param name="modelName"><c>general.name</c>; the file name without extension when null.</param>
public sealed class GgufTarget(string outputPath, bool force, GgufOutputType type, string? modelName) : IOutputTarget
{
    /// <summary>Suffix of the checksum file written beside the GGUF.</summary>
    public const string ChecksumSuffix = ".sha256";

    private AtomicOutputFile? _output;
    private AtomicOutputFile? _sums;

    /// <inheritdoc />
    public DType PlanDType => GgufOutputTypes.PlanDType(type);

    /// <inheritdoc />
    public long MaxShardBytes => long.MaxValue;  // one file

    /// <inheritdoc />
    public string TypeName => type.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public ITensorSink Open(MergePlan plan, OutputSources sources)
    {
        // Both read before anything is created, so a missing tokenizer leaves no trace.
        var hyper = LlamaGgufMetadata.Hyperparameters.FromConfig(sources.OutputConfig, sources.Config.PathOf(HfConfig.FileName));
        var vocab = ReadVocabulary(sources);
        _output = AtomicOutputFile.Create(outputPath, force);
        _sums = AtomicOutputFile.Create(outputPath + ChecksumSuffix, force);
        string fileName = Path.GetFileName(_output.FinalPath);
        var stream = _output.OpenWrite();
        try
        {
            return new GgufModelSink(stream, fileName, plan, type, modelName ?? Path.GetFileNameWithoutExtension(fileName), hyper, vocab);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WrittenFile> WriteCompanions(OutputSources sources) => [];

    /// <inheritdoc />
    public IReadOnlyList<TensorReport> TensorRows(MergePlan plan, IReadOnlyList<WrittenFile> written) =>
        plan.Tasks.Select(t => new TensorReport(LlamaGgufNames.ToGguf(t.Name), t.OutputShape,
            GgufOutputTypes.TensorType(type, t.OutputShape).ToString(), written[0].RelativeName)).ToList();

    /// <inheritdoc />
    public string Commit(MergeReport report, IReadOnlyList<WrittenFile> written, CancellationToken cancellationToken)
    {
        using (var f = Sums.OpenWrite())
        {
            f.Write(System.Text.Encoding.UTF8.GetBytes(Sha256Sums.Format(written.Select(w => KeyValuePair.Create(w.RelativeName, w.Sha256)))));
            f.Flush(flushToDisk: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
        Output.Commit();
        Sums.Commit();
        return Output.FinalPath;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _output?.Dispose();
        _sums?.Dispose();
    }

    private AtomicOutputFile Output => _output ?? throw new InvalidOperationException($"{nameof(Open)} comes first.");

    private AtomicOutputFile Sums => _sums ?? throw new InvalidOperationException($"{nameof(Open)} comes first.");

    /// <summary>The vocabulary llama.cpp gets: tokenizer.model and the Hugging Face tokenizer files, each read verified.</summary>
    private static LlamaVocabulary ReadVocabulary(OutputSources sources)
    {
        const string model = "tokenizer.model";
        ModelDirectory dir = sources.Tokenizer;
        VerifiedInputs inputs = sources.TokenizerInputs;
        if (!dir.HasFile(model))
            throw new CheckpointFormatException(FormatErrorKind.SentencePieceInvalid, "GGUF output needs tokenizer.model for its vocabulary, and there is none.", dir.DirectoryPath);
        string? Text(string name) => dir.HasFile(name) ? System.Text.Encoding.UTF8.GetString(inputs.ReadVerified(dir.PathOf(name))) : null;
        var files = HfTokenizerFiles.FromConfig(sources.OutputConfig, Text(HfTokenizerFiles.AddedTokensFileName),
            Text(HfTokenizerFiles.TokenizerConfigFileName), Text(HfTokenizerFiles.TokenizerJsonFileName));
        return LlamaVocabulary.Build(SentencePieceModel.Load(inputs.ReadVerified(dir.PathOf(model)), dir.PathOf(model)), files);
    }
}
