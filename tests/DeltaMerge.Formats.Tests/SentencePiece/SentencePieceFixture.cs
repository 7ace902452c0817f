using System.Text.Json;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.SentencePiece;

/// <summary>The tiny fixture model and the JSON scripts/fixtures/sentencepiece_vocab.py wrote about it.</summary>
internal static class SentencePieceFixture
{
    public static string ModelPath => Path.Combine(RepoPaths.Tiny("base-safetensors"), "tokenizer.model");

    public static byte[] ModelBytes => File.ReadAllBytes(ModelPath);

    public static SentencePieceModel Model => SentencePieceModel.LoadFile(ModelPath);

    public static JsonDocument Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "sentencepiece", name)));

    public static string Read(string dir, string file) => File.ReadAllText(Path.Combine(RepoPaths.Tiny(dir), file));
}
