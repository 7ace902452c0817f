using DeltaMerge.Formats.IO;
using DeltaMerge.Runtime.Weights;
using DeltaMerge.Tests.Shared;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Runtime.Tests;

/// <summary>Opening a GGUF model reads its header once: config, weights and vocabulary all come from one parse.</summary>
public sealed class HeaderReadOnceTests
{
    /// <summary>Counts the reads that start at the file's first byte (each header parse starts there).</summary>
    private sealed class CountingReader(string path) : IByteReader
    {
        private readonly FileByteReader _inner = new(path);

        public int ReadsAtStart { get; private set; }

        public string FilePath => _inner.FilePath;

        public long Length => _inner.Length;

        public void ReadExactly(long offset, Span<byte> destination)
        {
            if (offset == 0) ReadsAtStart++;
            _inner.ReadExactly(offset, destination);
        }

        public void Dispose() => _inner.Dispose();
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AGgufHeaderIsParsedOncePerOpen(bool outputHead)
    {
        using var temp = new TempDirectory();
        string file = temp.Sub("tiny.gguf");
        File.WriteAllBytes(file, TinyLlamaGguf.Build(outputHead: outputHead));
        var opened = new List<CountingReader>();
        using (var catalog = WeightCatalog.Open(file, path =>
               {
                   var reader = new CountingReader(path);
                   opened.Add(reader);
                   return reader;
               }))
        {
            // What ModelSession takes from the catalog: the tokenizer from the same parse, the weights to load.
            var tokenizer = LlamaTokenizer.FromGguf(catalog.Gguf!.Gguf);
            Assert.That(tokenizer.VocabularySize, Is.EqualTo(TinyLlamaGguf.Tokens));
            Assert.That(catalog.Config.TieWordEmbeddings, Is.EqualTo(!outputHead));
            Assert.That(catalog.Weights.ContainsKey("lm_head.weight"), "a tied head reads the embeddings");
        }
        Assert.That(opened, Has.Count.EqualTo(1));
        Assert.That(opened[0].ReadsAtStart, Is.EqualTo(1));
    }
}
