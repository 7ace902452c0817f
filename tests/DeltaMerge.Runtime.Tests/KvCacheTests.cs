using DeltaMerge.Compute;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests;

/// <summary>Incremental decoding with the KV cache computes what a full recompute computes.</summary>
public sealed class KvCacheTests
{
    private const float Tolerance = 1e-5f;
    private static TempDirectory _temp = null!;
    private static LlamaRuntime _runtime = null!;
    private static ReferenceForward _reference = null!;

    [OneTimeSetUp]
    public static void LoadModel()
    {
        _temp = new TempDirectory();
        _reference = ReferenceForward.Load("forward-f32.json");
        _runtime = LlamaRuntime.Load(TinyModels.MergedModel(_temp, "merge-f32"), new RuntimeOptions { Device = DeviceChoice.Cpu });
        TinyModels.ZeroLoaded(_runtime, _reference.Zeroed);
    }

    [OneTimeTearDown]
    public static void Cleanup()
    {
        _runtime?.Dispose();
        _temp?.Dispose();
    }

    [Test]
    public void StepByStepDecodingEqualsFullRecompute()
    {
        float worst = 0;
        foreach (var prompt in _reference.Prompts)
        {
            var full = TinyModels.Logits(_runtime, prompt.Ids);
            using var cache = _runtime.NewCache();
            var steps = new List<float[]>();
            foreach (int id in prompt.Ids) steps.AddRange(TinyModels.Logits(_runtime, [id], cache));
            Assert.That(cache.Length, Is.EqualTo(prompt.Ids.Length));
            worst = Math.Max(worst, TinyModels.MaxAbsDiff(steps.ToArray(), full));
        }
        TestContext.Out.WriteLine($"max |cached step-by-step - full recompute| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void PromptInChunksEqualsFullRecompute()
    {
        int[] ids = _reference.Prompts.MaxBy(p => p.Ids.Length)!.Ids;   // long enough to grow the cache past its first capacity
        var full = TinyModels.Logits(_runtime, ids);
        using var cache = _runtime.NewCache();
        var chunks = new List<float[]>();
        for (int at = 0; at < ids.Length; at += 7) chunks.AddRange(TinyModels.Logits(_runtime, ids[at..Math.Min(ids.Length, at + 7)], cache));
        Assert.That(TinyModels.MaxAbsDiff(chunks.ToArray(), full), Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void TruncateRewindsAndClearRestarts()
    {
        int[] ids = _reference.Prompts[0].Ids;
        var full = TinyModels.Logits(_runtime, ids);
        using var cache = _runtime.NewCache();
        TinyModels.Logits(_runtime, ids[..10], cache);
        TinyModels.Logits(_runtime, [5, 6, 7], cache);   // a detour, then rewind to the shared prefix
        cache.Truncate(10);
        var rest = TinyModels.Logits(_runtime, ids[10..], cache);
        Assert.That(TinyModels.MaxAbsDiff(rest, full[10..]), Is.LessThanOrEqualTo(Tolerance));

        cache.Clear();
        Assert.That(cache.Length, Is.Zero);
        Assert.That(TinyModels.MaxAbsDiff(TinyModels.Logits(_runtime, ids, cache), full), Is.LessThanOrEqualTo(Tolerance));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate(ids.Length + 1));
    }

    [Test]
    public void LastOnlyReturnsTheLastRow()
    {
        int[] ids = _reference.Prompts[1].Ids;
        using var last = _runtime.Forward(ids, lastOnly: true);
        Assert.That(last.shape, Is.EqualTo(new long[] { 1, _runtime.Config.VocabSize }));
        Assert.That(TinyModels.MaxAbsDiff(TinyModels.Rows(last), [_reference.Prompts[1].Logits[^1]]), Is.LessThanOrEqualTo(1e-4f));
    }
}
