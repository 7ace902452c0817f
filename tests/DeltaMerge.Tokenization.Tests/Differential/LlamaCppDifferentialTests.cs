using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>
/// Real llama.cpp (scripts/llama-cpp) tokenizing the vocabulary our GGUF writer embeds gives SentencePiece's ids on the
/// differential strings. Skipped with a message when the harness is not installed; fails under CI=true.
/// </summary>
[TestFixtureSource(typeof(DifferentialCorpus), nameof(DifferentialCorpus.GgufVocabularyNames))]
public sealed class LlamaCppDifferentialTests(string vocabulary)
{
    private const int Batch = 10_000; // strings per harness request: one llama.cpp load each

    [Test]
    public void LlamaCppTokenizesOurGgufLikeSentencepiece()
    {
        LlamaCpp.Require();
        using var temp = new TempDirectory();
        string gguf = VocabularyGguf.Write(DifferentialCorpus.Vocabularies[vocabulary], temp.Sub("vocab.gguf"));
        var differences = new Differences($"{vocabulary} llama.cpp on our GGUF");
        foreach (DifferentialCorpus.Entry[] batch in DifferentialCorpus.Entries.Chunk(Batch))
        {
            var request = new Dictionary<string, object>
            {
                ["model"] = gguf,
                ["vocab_only"] = true,
                ["tokenize"] = batch.Select(e => new Dictionary<string, object> { ["text"] = e.Text, ["add_special"] = false, ["parse_special"] = false }).ToArray(),
            };
            using JsonDocument result = LlamaCpp.Run(request, TimeSpan.FromMinutes(5));
            for (int i = 0; i < batch.Length; i++)
                differences.Check(batch[i], batch[i].Ids[vocabulary], LlamaCpp.Tokens(result, i));
        }
        differences.AssertNone();
    }
}
