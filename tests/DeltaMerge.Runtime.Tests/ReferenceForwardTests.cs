using DeltaMerge.Compute;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests;

/// <summary>The runtime against scripts/references/reference_forward.py (transformers' LlamaForCausalLM in PyTorch) on the merged tiny model.</summary>
public sealed class ReferenceForwardTests
{
    private const float LogitTolerance = 1e-4f;

    private static readonly RuntimeOptions Cpu = new() { Device = DeviceChoice.Cpu };

    [TestCase("merge-f32", "forward-f32.json", false)]
    [TestCase("merge-f16", "forward-f16.json", false)]
    [TestCase("merge-f32", "forward-f32.json", true)]
    public void LogitsGreedyAndLogProbsMatchPyTorch(string merge, string referenceFile, bool zeroInFile)
    {
        var reference = ReferenceForward.Load(referenceFile);
        using var temp = new TempDirectory();
        string dir = TinyModels.MergedModel(temp, merge);
        if (zeroInFile) FixtureEdits.ZeroInFile(dir, reference.Zeroed);
        using var runtime = LlamaRuntime.Load(dir, Cpu);
        if (!zeroInFile) TinyModels.ZeroLoaded(runtime, reference.Zeroed);
        Assert.That(runtime.ComputeDType, Is.EqualTo(RuntimeDType.Float32));

        float worstLogit = 0, worstLogProb = 0;
        foreach (var prompt in reference.Prompts)
        {
            worstLogit = Math.Max(worstLogit, TinyModels.MaxAbsDiff(TinyModels.Logits(runtime, prompt.Ids), prompt.Logits));
            float[] logprobs = TinyModels.LogProbs(runtime, prompt.Ids);
            Assert.That(logprobs, Has.Length.EqualTo(prompt.LogProbs.Length));
            for (int i = 0; i < logprobs.Length; i++) worstLogProb = Math.Max(worstLogProb, Math.Abs(logprobs[i] - prompt.LogProbs[i]));
            Assert.That(runtime.GenerateGreedy(prompt.Ids, prompt.GreedyIds.Length), Is.EqualTo(prompt.GreedyIds), prompt.Name);
        }
        TestContext.Out.WriteLine($"{merge}: max |logit - PyTorch| = {worstLogit:E2}, max |logprob - PyTorch| = {worstLogProb:E2}");
        Assert.That(worstLogit, Is.LessThanOrEqualTo(LogitTolerance));
        Assert.That(worstLogProb, Is.LessThanOrEqualTo(LogitTolerance));
    }

    [Test]
    public void Fp16WeightsWithFp32ComputeMatchTheFp16Reference()
    {
        // merge-f16 kept in fp16 (half the memory), widened inside the kernels: the same numbers as upcasting at load.
        var reference = ReferenceForward.Load("forward-f16.json");
        using var temp = new TempDirectory();
        using var runtime = LlamaRuntime.Load(TinyModels.MergedModel(temp, "merge-f16"), Cpu with { WeightDType = RuntimeDType.Float16 });
        TinyModels.ZeroLoaded(runtime, reference.Zeroed);
        // The kernel path reads the matrices as stored: fp16, in place.
        Assert.That(runtime.Model.ResidentWeights().Select(w => w.Weight.Matrix.Type), Is.Not.Empty.And.All.EqualTo(Runtime.Kernels.WeightType.F16));
        float worst = reference.Prompts.Max(p => TinyModels.MaxAbsDiff(TinyModels.Logits(runtime, p.Ids), p.Logits));
        TestContext.Out.WriteLine($"fp16 weights, fp32 compute: max |logit - PyTorch| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(LogitTolerance));
    }

    [Test]
    public void RawMergeWithOverflowedWeightsGivesNonFiniteLogitsLikeTheReference()
    {
        // Without sanitizing, layers.1 o_proj[0,0] is +inf, and the reference records non-finite logits.
        using var temp = new TempDirectory();
        using var runtime = LlamaRuntime.Load(TinyModels.MergedModel(temp, "merge-f16"), Cpu);
        var logits = TinyModels.Logits(runtime, ReferenceForward.Load("forward-f16.json").Prompts[0].Ids);
        Assert.That(logits.SelectMany(r => r).Any(v => !float.IsFinite(v)), Is.True);
    }
}
