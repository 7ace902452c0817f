using System.Text.Json.Nodes;
using DeltaMerge.Compute;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests;

/// <summary>Each way a model cannot be loaded or run gives its own <see cref="ModelLoadErrorKind"/>.</summary>
public sealed class BadInputTests
{
    private static readonly RuntimeOptions Cpu = new() { Device = DeviceChoice.Cpu };

    private static ModelLoadException LoadFails(Action<JsonObject> editConfig)
    {
        using var temp = new TempDirectory();
        string dir = TinyModels.MergedModel(temp, "merge-f32", editConfig);
        return Assert.Throws<ModelLoadException>(() => LlamaRuntime.Load(dir, Cpu).Dispose())!;
    }

    [Test]
    public void MissingTensorIsNamed()
    {
        // Three layers in the config, two in the checkpoint.
        var e = LoadFails(c => c["num_hidden_layers"] = 3);
        Assert.That(e.Kind, Is.EqualTo(ModelLoadErrorKind.MissingTensor));
        Assert.That(e.TensorName, Does.StartWith("model.layers.2."));
        Assert.That(e.Message, Does.Contain("shape " + TinyLayerShape(e.TensorName!)), "the message says what the model needs");
    }

    /// <summary>The shape of a per-layer weight of the tiny model (hidden 64, intermediate 172).</summary>
    private static string TinyLayerShape(string tensorName) => tensorName.Split('.')[^2] switch
    {
        "q_proj" or "k_proj" or "v_proj" or "o_proj" => "[64, 64]",
        "gate_proj" or "up_proj" => "[172, 64]",
        "down_proj" => "[64, 172]",
        _ => "[64]",
    };

    [Test]
    public void WrongShapeNamesTensorAndBothShapes()
    {
        var e = LoadFails(c => c["intermediate_size"] = 173);
        Assert.That(e.Kind, Is.EqualTo(ModelLoadErrorKind.ShapeMismatch));
        Assert.That(e.TensorName, Is.EqualTo("model.layers.0.mlp.gate_proj.weight"));
        Assert.That(e.Message, Does.Contain("[173, 64]").And.Contain("[172, 64]"));
    }

    [TestCase("architectures", "MistralForCausalLM")]
    [TestCase("model_type", "gpt2")]
    public void OtherArchitecturesAreRefused(string key, string value)
    {
        var e = LoadFails(c => c[key] = key == "architectures" ? new JsonArray(value) : value);
        Assert.That(e.Kind, Is.EqualTo(ModelLoadErrorKind.UnsupportedArchitecture));
        Assert.That(e.Message, Does.Contain(value));
    }

    [Test]
    public void UnsupportedVariantsAndBadNumbersAreRefused()
    {
        Assert.That(LoadFails(c => c["rope_scaling"] = new JsonObject { ["type"] = "linear", ["factor"] = 2.0 }).Kind, Is.EqualTo(ModelLoadErrorKind.UnsupportedFeature));
        Assert.That(LoadFails(c => c["num_key_value_heads"] = 3).Kind, Is.EqualTo(ModelLoadErrorKind.InvalidConfig));
        Assert.That(LoadFails(c => c.Remove("hidden_size")).Kind, Is.EqualTo(ModelLoadErrorKind.InvalidConfig));
    }

    [Test]
    public void MissingConfigAndMissingPathAreReported()
    {
        using var temp = new TempDirectory();
        string dir = TinyModels.MergedModel(temp, "merge-f32");
        File.Delete(Path.Combine(dir, "config.json"));
        Assert.That(Assert.Throws<ModelLoadException>(() => LlamaRuntime.Load(dir, Cpu))!.Kind, Is.EqualTo(ModelLoadErrorKind.MissingConfig));
        Assert.That(Assert.Throws<ModelLoadException>(() => LlamaRuntime.Load(temp.Sub("nope"), Cpu))!.Kind, Is.EqualTo(ModelLoadErrorKind.ModelNotFound));
    }

    [Test]
    public void PromptLongerThanMaxPositionsIsRefused()
    {
        using var temp = new TempDirectory();
        using var runtime = LlamaRuntime.Load(TinyModels.MergedModel(temp, "merge-f32", c => c["max_position_embeddings"] = 8), Cpu);
        int[] nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var e = Assert.Throws<ModelLoadException>(() => runtime.Forward(nine).Dispose())!;
        Assert.That(e.Kind, Is.EqualTo(ModelLoadErrorKind.ContextTooLong));

        // The same limit applies to a growing cache; a refused step leaves the cache as it was. Greedy decoding feeds back all
        // but its last token: 5 + 4 new tokens fit in 8 positions, 5 + 5 do not.
        using var cache = runtime.NewCache();
        runtime.Forward(nine[..8], cache).Dispose();
        Assert.That(Assert.Throws<ModelLoadException>(() => runtime.Forward([9], cache).Dispose())!.Kind, Is.EqualTo(ModelLoadErrorKind.ContextTooLong));
        Assert.That(cache.Length, Is.EqualTo(8));
        Assert.That(runtime.GenerateGreedy(nine[..5], 4), Has.Length.EqualTo(4));
        Assert.That(Assert.Throws<ModelLoadException>(() => runtime.GenerateGreedy(nine[..5], 5))!.Kind, Is.EqualTo(ModelLoadErrorKind.ContextTooLong));
    }

    [Test]
    public void TokenOutsideVocabularyIsACallerError()
    {
        using var temp = new TempDirectory();
        using var runtime = LlamaRuntime.Load(TinyModels.MergedModel(temp, "merge-f32"), Cpu);
        Assert.Throws<ArgumentOutOfRangeException>(() => runtime.Forward([1, runtime.Config.VocabSize]).Dispose());
        Assert.Throws<ArgumentException>(() => runtime.Forward([]).Dispose());
    }
}
