using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Runtime.Generation;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Runtime;

/// <summary>A loaded model with its tokenizer, from a Hugging Face / Meta directory or a GGUF file.</summary>
public sealed class ModelSession : IDisposable
{
    private ModelSession(LlamaRuntime runtime, LlamaTokenizer tokenizer)
    {
        Runtime = runtime;
        Tokenizer = tokenizer;
        Generator = new TextGenerator(runtime, tokenizer);
    }

    /// <summary>The model.</summary>
    public LlamaRuntime Runtime { get; }

    /// <summary>Its tokenizer (from tokenizer.model and the Hugging Face files, or the GGUF vocabulary).</summary>
    public LlamaTokenizer Tokenizer { get; }

    /// <summary>Text generation over both.</summary>
    public TextGenerator Generator { get; }

    /// <summary>Loads the model at <paramref name="path"/> and its tokenizer.</summary>
    public static ModelSession Open(string path, RuntimeOptions? options = null, LlamaTokenizerOptions? tokenizerOptions = null)
    {
        string full = Path.GetFullPath(path);
        LlamaTokenizer tokenizer;
        if (File.Exists(full) && full.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new FileByteReader(full);
            tokenizer = LlamaTokenizer.FromGguf(GgufReader.Open(reader), tokenizerOptions);
        }
        else
        {
            tokenizer = LlamaTokenizer.FromDirectory(full, tokenizerOptions);
        }
        options ??= new RuntimeOptions();
        // Keep 16-bit weights 16-bit in memory (a 7B model then fits in 24 GB) and convert per layer: exact, since
        // fp16/bf16 values widen to float32 without loss.
        if (options.WeightDType == null && StoredAs16Bit(full) is { } stored) options = options with { WeightDType = stored };
        var runtime = LlamaRuntime.Load(full, options);
        try
        {
            return new ModelSession(runtime, tokenizer);
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    private static RuntimeDType? StoredAs16Bit(string path)
    {
        if (path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new FileByteReader(path);
            var gguf = GgufReader.Open(reader);
            uint fileType = gguf.TryGetValue(GgufKeys.GeneralFileType, out _) ? gguf.GetUInt32(GgufKeys.GeneralFileType) : 0;
            return (LlamaFileType)fileType switch
            {
                LlamaFileType.MostlyF16 or LlamaFileType.MostlyQ8_0 => RuntimeDType.Float16,
                LlamaFileType.MostlyBF16 => RuntimeDType.BFloat16,
                _ => null,
            };
        }
        string config = Path.Combine(path, "config.json");
        if (!File.Exists(config)) return RuntimeDType.Float16; // Meta checkpoints are fp16
        // This runs before the config is validated, so a malformed file is reported here.
        System.Text.Json.Nodes.JsonNode? dtype;
        try { dtype = Formats.Json.StrictJson.Parse(RegularFile.ReadAllText(config))?["torch_dtype"]; }
        catch (System.Text.Json.JsonException e) { throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"not JSON: {e.Message}", config, inner: e); }
        if (dtype is null) return null;
        if (dtype is not System.Text.Json.Nodes.JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String)
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"'torch_dtype' must be a string, found {dtype.ToJsonString()}.", config);
        return v.GetValue<string>() switch { "float16" => RuntimeDType.Float16, "bfloat16" => RuntimeDType.BFloat16, _ => null };
    }

    /// <summary>The id of the newline byte token <c>&lt;0x0A&gt;</c> (13 in LLaMA), where the authors' chat and evaluation stop.</summary>
    public int NewlineTokenId()
    {
        for (int id = 0; id < Tokenizer.VocabularySize; id++)
            if (Tokenizer.IdToToken(id) == "<0x0A>") return id;
        throw new InvalidOperationException("The vocabulary has no <0x0A> byte token.");
    }

    /// <inheritdoc />
    public void Dispose() => Runtime.Dispose();
}
