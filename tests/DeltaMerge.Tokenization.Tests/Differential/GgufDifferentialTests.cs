using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>
/// The vocabulary our GGUF writer embeds (<see cref="VocabularyGguf"/>), read back with <see cref="LlamaTokenizer.FromGguf"/>,
/// gives SentencePiece's ids on the differential strings, plain and in the default (transformers 4.28) mode.
/// </summary>
[TestFixtureSource(typeof(DifferentialCorpus), nameof(DifferentialCorpus.GgufVocabularyNames))]
public sealed class GgufDifferentialTests(string vocabulary)
{
    [Test]
    public void GgufVocabularyGivesSentencepieceIds()
    {
        using var temp = new TempDirectory();
        string path = VocabularyGguf.Write(DifferentialCorpus.Vocabularies[vocabulary], temp.Sub("vocab.gguf"));
        Differences.CheckAll($"{vocabulary} GGUF, plain sp.encode", VocabularyGguf.Load(path, DifferentialTests.Plain), e => e.Ids[vocabulary]);
        Differences.CheckAll($"{vocabulary} GGUF, default mode", VocabularyGguf.Load(path), e => e.DefaultIds(vocabulary));
    }
}
