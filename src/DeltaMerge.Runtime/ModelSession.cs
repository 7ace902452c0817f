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
