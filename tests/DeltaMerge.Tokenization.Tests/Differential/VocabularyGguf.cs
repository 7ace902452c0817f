using System.Text.Json.Nodes;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>
/// A GGUF file holding only the metadata our GGUF writer embeds for a model directory (<see cref="LlamaVocabulary"/>
/// through <see cref="LlamaGgufMetadata.Write"/>, as a merge to GGUF writes it), without tensors: enough for
/// <see cref="LlamaTokenizer.FromGguf"/> and for llama.cpp loading the vocabulary only.
/// </summary>
internal static class VocabularyGguf
{
    public static string Write(string modelDirectory, string path)
    {
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(modelDirectory, "config.json")))!;
        var hyper = LlamaGgufMetadata.Hyperparameters.FromConfig(config, modelDirectory);
        using var stream = File.Create(path);
        using var writer = new GgufWriter(stream);
        LlamaGgufMetadata.Write(writer, Path.GetFileName(modelDirectory), hyper, LlamaFileType.MostlyF16, LlamaVocabulary.Load(modelDirectory));
        writer.WriteHeaderAndInfos();
        writer.Complete();
        return path;
    }

    public static LlamaTokenizer Load(string path, LlamaTokenizerOptions? options = null)
    {
        var reader = new FileByteReader(path);
        try { return LlamaTokenizer.FromGguf(GgufReader.Open(reader), options); }
        finally { (reader as IDisposable)?.Dispose(); }
    }
}
