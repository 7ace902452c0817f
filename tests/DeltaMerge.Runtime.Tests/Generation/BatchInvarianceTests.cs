using DeltaMerge.Compute;
using DeltaMerge.Runtime.Generation;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests.Generation;

/// <summary>
/// A sequence decoded inside a batch gets bit-identical logits (and so the same tokens) as decoded alone, whatever
/// the batch size, its position in the batch, or the other sequences' lengths.
/// </summary>
[NonParallelizable]
public sealed class BatchInvarianceTests
{
    private static TempDirectory _temp = null!;
    private static ModelSession _session = null!;
    private static ReferenceForward _reference = null!;

    [OneTimeSetUp]
    public static void Load()
    {
        _temp = new TempDirectory();
        _reference = ReferenceForward.Load("forward-f32.json");
        string dir = TinyModels.SessionDirectory(_temp, "merge-f16", _reference);
        _session = ModelSession.Open(dir, new RuntimeOptions { Device = DeviceChoice.Cpu, Threads = 2 });
    }

    [OneTimeTearDown]
    public static void Unload()
    {
        _session?.Dispose();
        _temp?.Dispose();
    }

    /// <summary>Sixteen prompts of different lengths, cut from the reference prompts.</summary>
    private static List<int[]> Prompts() =>
        Enumerable.Range(0, 16).Select(i =>
        {
            int[] ids = _reference.Prompts[i % _reference.Prompts.Count].Ids;
            return ids[..Math.Max(1, ids.Length - i)];
        }).ToList();

    [Test]
    public void EachRowOfAStepEqualsTheSequenceAlone()
    {
        var runtime = _session.Runtime;
        Assert.That(runtime.UsesKernels, Is.True);
        var prompts = Prompts();
        foreach (int batch in new[] { 1, 2, 3, 5, 16 })
        {
            var caches = new List<KvCache>();
            try
            {
                var last = new int[batch];
                for (int b = 0; b < batch; b++)
                {
                    caches.Add(runtime.NewCache());
                    using var prefill = runtime.Forward(prompts[b], caches[b], lastOnly: true);
                    last[b] = (b * 7 + 3) % runtime.Config.VocabSize;
                }
                // Two steps, so the second runs on caches written by a batched step.
                for (int step = 0; step < 2; step++)
                {
                    using var batched = runtime.ForwardStep(last, caches);
                    var rows = TinyModels.Rows(batched);
                    for (int b = 0; b < batch; b++)
                    {
                        using var alone = AloneAfter(prompts[b], step == 0 ? [last[b]] : [(b * 7 + 3) % runtime.Config.VocabSize, last[b]]);
                        Assert.That(rows[b], Is.EqualTo(TinyModels.Rows(alone)[0]), $"batch {batch}, row {b}, step {step}");
                    }
                    for (int b = 0; b < batch; b++) last[b] = (b * 11 + step + 5) % runtime.Config.VocabSize;
                }
            }
            finally
            {
                foreach (var c in caches) c.Dispose();
            }
        }
    }

    /// <summary>Logits of the last of <paramref name="steps"/>, each fed alone after the prompt.</summary>
    private static TorchSharp.torch.Tensor AloneAfter(int[] prompt, int[] steps)
    {
        using var cache = _session.Runtime.NewCache();
        using (_session.Runtime.Forward(prompt, cache, lastOnly: true)) { }
        for (int i = 0; i < steps.Length - 1; i++)
            using (_session.Runtime.Forward([steps[i]], cache)) { }
        return _session.Runtime.Forward([steps[^1]], cache);
    }

    [Test]
    public void BatchedGenerationGivesEachPromptItsTokensAlone()
    {
        var prompts = Prompts().Cast<IReadOnlyList<int>>().ToList();
        var options = new GenerationOptions { MaxNewTokens = 12, StopTokenIds = [13] };
        var alone = prompts.Select(p => _session.Generator.Generate(p, options).Tokens).ToList();
        foreach (int batch in new[] { 1, 4, 8, 16 })
        {
            var together = new IReadOnlyList<int>?[prompts.Count];
            _session.Generator.GenerateBatch(prompts, options, batch, (i, r) => together[i] = r.Tokens);
            for (int i = 0; i < prompts.Count; i++) Assert.That(together[i], Is.EqualTo(alone[i]), $"batch {batch}, prompt {i}");
        }
    }

    [Test]
    public void AStepRefusesMismatchedOrRepeatedCaches()
    {
        var runtime = _session.Runtime;
        using var a = runtime.NewCache();
        using var b = runtime.NewCache();
        Assert.Throws<ArgumentException>(() => runtime.ForwardStep([1, 2], [a]).Dispose());
        Assert.Throws<ArgumentException>(() => runtime.ForwardStep([1, 2], [a, a]).Dispose());
        Assert.Throws<ArgumentException>(() => runtime.ForwardStep([], []).Dispose());
    }
}
