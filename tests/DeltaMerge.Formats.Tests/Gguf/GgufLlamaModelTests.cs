using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Formats.Tests.Safetensors;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>The GGUF-as-Hugging-Face view both the merge and the runtime read GGUF through.</summary>
public sealed class GgufLlamaModelTests
{
    /// <summary>
    /// llama.cpp reads token_embd.weight for the output when output.weight is absent (the head is tied), so the config
    /// says tie_word_embeddings exactly then, and the tensors have no lm_head to convert.
    /// </summary>
    [TestCase(true, false)]
    [TestCase(false, true)]
    public void TheHeadIsTiedExactlyWhenTheFileHasNoOutputWeight(bool outputHead, bool tied)
    {
        var model = GgufLlamaModel.Open(new MemoryByteReader(TinyLlamaGguf.Build(outputHead: outputHead), "tiny.gguf"));
        Assert.That(model.ReadConfig()["tie_word_embeddings"]!.GetValue<bool>(), Is.EqualTo(tied));
        Assert.That(model.ReadTensors().Any(t => t.Name == LlamaTensorNames.LmHead), Is.EqualTo(!tied));
    }

    [Test]
    public void ConfigCarriesTheHyperparameters()
    {
        var config = GgufLlamaModel.Open(new MemoryByteReader(TinyLlamaGguf.Build(), "tiny.gguf")).ReadConfig();
        Assert.That(config["hidden_size"]!.GetValue<uint>(), Is.EqualTo(TinyLlamaGguf.Hidden));
        Assert.That(config["vocab_size"]!.GetValue<long>(), Is.EqualTo(TinyLlamaGguf.Tokens));
        Assert.That(config["rms_norm_eps"]!.GetValue<double>(), Is.EqualTo(1e-6));
    }
}
