using DeltaMerge.Compute;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests;

/// <summary>
/// The base fixture in every layout it ships in (safetensors, sharded .bin, Meta single and model-parallel .pth) loads
/// into the same model: the same logits as from safetensors.
/// </summary>
public sealed class CheckpointLayoutTests
{
    private static readonly RuntimeOptions Cpu = new() { Device = DeviceChoice.Cpu };

    [TestCase("base-bin")]
    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void LoadsLikeSafetensors(string layout)
    {
        var reference = ReferenceForward.Load("forward-f32.json");
        int[] ids = reference.Prompts[0].Ids;
        using var expected = LlamaRuntime.Load(RepoPaths.Tiny("base-safetensors"), Cpu);
        using var actual = LlamaRuntime.Load(RepoPaths.Tiny(layout), Cpu);
        // Meta's params.json has no context length; the conversion script's config says 2048.
        static LlamaConfig Comparable(LlamaConfig c) => c with { BosTokenId = null, EosTokenId = null, MaxPositions = 0 };
        Assert.That(Comparable(actual.Config), Is.EqualTo(Comparable(expected.Config)));
        // The same stress positions hold large (finite in the base) values; zero them so the logits are meaningful.
        TinyModels.ZeroLoaded(expected, reference.Zeroed);
        TinyModels.ZeroLoaded(actual, reference.Zeroed);
        var a = TinyModels.Logits(actual, ids);
        float diff = TinyModels.MaxAbsDiff(a, TinyModels.Logits(expected, ids));
        Assert.That(a.SelectMany(r => r).All(float.IsFinite), Is.True);
        Assert.That(diff, Is.EqualTo(0f));
    }
}
