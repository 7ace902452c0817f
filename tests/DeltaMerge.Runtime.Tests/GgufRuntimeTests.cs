using DeltaMerge.Compute;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests;

/// <summary>
/// GGUF files written by the merge (q/k rows in llama.cpp's permuted layout, Q8_0 blocks) run through the same forward
/// and match the PyTorch reference of the merged model.
/// </summary>
[NonParallelizable]
public sealed class GgufRuntimeTests
{
    private static TempDirectory _temp = null!;
    private static Dictionary<GgufOutputType, string> Files = [];

    /// <summary>Largest |ours - PyTorch| logit difference accepted per type (measured values in the test output).</summary>
    private static readonly Dictionary<GgufOutputType, (string Reference, float Tolerance)> Expectation = new()
    {
        [GgufOutputType.F32] = ("forward-f32.json", 1e-4f),
        [GgufOutputType.F16] = ("forward-f16.json", 1e-3f),
        [GgufOutputType.BF16] = ("forward-f32.json", 1e-2f),
        [GgufOutputType.Q8_0] = ("forward-f16.json", 1e-2f),
    };

    [OneTimeSetUp]
    public static void MergeSanitizedFixturesToEveryType()
    {
        _temp = new TempDirectory();
        Files = TinyGgufModels.MergeEveryType(_temp);
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    [TestCase(GgufOutputType.F32)]
    [TestCase(GgufOutputType.F16)]
    [TestCase(GgufOutputType.BF16)]
    [TestCase(GgufOutputType.Q8_0)]
    public void LogitsMatchThePyTorchForward(GgufOutputType type)
    {
        var (referenceFile, tolerance) = Expectation[type];
        var reference = ReferenceForward.Load(referenceFile);
        using var runtime = LlamaRuntime.Load(Files[type], new RuntimeOptions { Device = DeviceChoice.Cpu });
        Assert.That(runtime.Config.VocabSize, Is.EqualTo(385));
        Assert.That(runtime.Config.HeadCount, Is.EqualTo(4));
        Assert.That(runtime.Config.BosTokenId, Is.EqualTo(1));
        float worst = reference.Prompts.Max(p => TinyModels.MaxAbsDiff(TinyModels.Logits(runtime, p.Ids), p.Logits));
        TestContext.Out.WriteLine($"GGUF {type}: max |ours - PyTorch {referenceFile}| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance));
        if (type is GgufOutputType.F32 or GgufOutputType.F16)
            foreach (var prompt in reference.Prompts)
                Assert.That(runtime.GenerateGreedy(prompt.Ids, prompt.GreedyIds.Length), Is.EqualTo(prompt.GreedyIds), prompt.Name);
    }

    [Test]
    public void Q8_0KeptInFp16MatchesQ8_0InFp32Closely()
    {
        using var f32 = LlamaRuntime.Load(Files[GgufOutputType.Q8_0], new RuntimeOptions { Device = DeviceChoice.Cpu });
        using var f16 = LlamaRuntime.Load(Files[GgufOutputType.Q8_0], new RuntimeOptions { Device = DeviceChoice.Cpu, WeightDType = RuntimeDType.Float16 });
        int[] ids = ReferenceForward.Load("forward-f16.json").Prompts[0].Ids;
        float diff = TinyModels.MaxAbsDiff(TinyModels.Logits(f16, ids), TinyModels.Logits(f32, ids));
        TestContext.Out.WriteLine($"Q8_0 dequantized to fp16 vs fp32 weights: max logit diff {diff:E2}");
        Assert.That(diff, Is.LessThanOrEqualTo(1e-3f));
    }
}
