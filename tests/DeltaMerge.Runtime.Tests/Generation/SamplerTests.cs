using DeltaMerge.Runtime.Generation;

namespace DeltaMerge.Runtime.Tests.Generation;

public sealed class SamplerTests
{
    [Test]
    public void GreedyTakesTheFirstMaximum()
    {
        var s = new Sampler(new GenerationOptions());
        Assert.That(s.Next(new float[] { 0.1f, 3f, 3f, -1f }, []), Is.EqualTo(1));
        Assert.That(Sampler.ArgMax(new[] { float.NaN, 1f, 0f }), Is.EqualTo(1));
    }

    [Test]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogits()
    {
        var s = new Sampler(new GenerationOptions { RepetitionPenalty = 2f });
        float[] logits = [4f, 3f, -1f];
        Assert.That(s.Next(logits, [0, 0, 2]), Is.EqualTo(1), "token 0 falls from 4 to 2 below token 1");
        Assert.That(logits, Is.EqualTo(new[] { 2f, 3f, -2f }));
    }

    [Test]
    public void SamplingIsReproducibleBySeedAndRespectsTopKAndTopP()
    {
        float[] Logits() => Enumerable.Range(0, 50).Select(i => (float)Math.Sin(i) * 3).ToArray();
        int[] Draw(GenerationOptions o)
        {
            var s = new Sampler(o);
            return Enumerable.Range(0, 200).Select(_ => s.Next(Logits(), [])).ToArray();
        }
        var opts = new GenerationOptions { Temperature = 1f, Seed = 7 };
        Assert.That(Draw(opts), Is.EqualTo(Draw(opts)));
        Assert.That(Draw(opts).Distinct().Count(), Is.GreaterThan(5));
        int greedy = Sampler.ArgMax(Logits());
        Assert.That(Draw(opts with { TopK = 1 }), Has.All.EqualTo(greedy));
        Assert.That(Draw(opts with { TopP = 1e-6f }), Has.All.EqualTo(greedy));
        var top3 = Logits().Select((v, i) => (v, i)).OrderByDescending(p => p.v).Take(3).Select(p => p.i).ToArray();
        Assert.That(Draw(opts with { TopK = 3 }).Distinct(), Is.SubsetOf(top3));
    }

    [Test]
    public void InvalidSettingsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new GenerationOptions { TopP = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new GenerationOptions { RepetitionPenalty = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new GenerationOptions { TopK = -1 }));
    }
}
