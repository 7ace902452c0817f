using DeltaMerge.Runtime.Generation;
using DeltaMerge.Runtime.Weights;
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

    /// <summary>Loads the model at <paramref name="path"/> and its tokenizer, reading each header once.</summary>
    public static ModelSession Open(string path, RuntimeOptions? options = null, LlamaTokenizerOptions? tokenizerOptions = null)
    {
        string full = Path.GetFullPath(path);
        using var catalog = WeightCatalog.Open(full);
        // A GGUF keeps its vocabulary in the metadata the catalog already parsed.
        var tokenizer = catalog.Gguf is { } gguf ? LlamaTokenizer.FromGguf(gguf.Gguf, tokenizerOptions) : LlamaTokenizer.FromDirectory(full, tokenizerOptions);
        options ??= new RuntimeOptions();
        // Keep 16-bit weights 16-bit in memory (a 7B model then fits in 24 GB) and convert per layer: exact, since
        // fp16/bf16 values widen to float32 without loss.
        if (options.WeightDType == null && catalog.StoredAs16Bit is { } stored) options = options with { WeightDType = stored };
        var runtime = LlamaRuntime.FromCatalog(catalog, options);
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
