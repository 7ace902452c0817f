using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Eval.Tests.Sharding;

/// <summary>The split rule: N contiguous ranges, in order, covering every example exactly once, sizes within one.</summary>
public sealed class ShardSpecTests
{
    [Test]
    public void ShardsCoverEveryExampleExactlyOnceInOrder()
    {
        foreach (int total in new[] { 0, 1, 2, 3, 4, 5, 7, 10, 11, 97, 100, 1000, 36_991 })
        {
            for (int n = 1; n <= 40; n++)
            {
                var covered = new List<int>();
                var sizes = new List<int>();
                for (int k = 0; k < n; k++)
                {
                    var (start, end) = new ShardSpec(k, n).Range(total);
                    Assert.That(start, Is.LessThanOrEqualTo(end));
                    covered.AddRange(Enumerable.Range(start, end - start));
                    sizes.Add(end - start);
                }
                Assert.That(covered, Is.EqualTo(Enumerable.Range(0, total)), $"{total} examples in {n} shards");
                Assert.That(sizes.Max() - sizes.Min(), Is.LessThanOrEqualTo(1), $"{total} examples in {n} shards");
            }
        }
    }

    [Test]
    public void LargeCountsDoNotOverflow()
    {
        var (start, end) = new ShardSpec(999, 1000).Range(int.MaxValue);
        Assert.That(end, Is.EqualTo(int.MaxValue));
        Assert.That(start, Is.EqualTo((int)(999L * int.MaxValue / 1000)));
    }

    [Test]
    public void ParsesKOfN()
    {
        Assert.That(ShardSpec.Parse("0/1"), Is.EqualTo(new ShardSpec(0, 1)));
        Assert.That(ShardSpec.Parse("3/4"), Is.EqualTo(new ShardSpec(3, 4)));
        Assert.That(new ShardSpec(3, 4).DirectoryName, Is.EqualTo("shard-3-of-4"));
        Assert.That(ShardSpec.OutputDirectory("runs", new ShardSpec(3, 4)), Is.EqualTo(Path.Combine("runs", "shard-3-of-4")));
        Assert.That(ShardSpec.OutputDirectory("runs", null), Is.EqualTo("runs"));
    }

    [TestCase("4/4", "shard index 4 is outside 0..3")]
    [TestCase("0/0", "the number of shards must be at least 1, got 0")]
    [TestCase("-1/4", "is not K/N")]
    [TestCase("1", "is not K/N")]
    [TestCase("1/2/3", "is not K/N")]
    [TestCase(" 1/2", "is not K/N")]
    [TestCase("a/b", "is not K/N")]
    [TestCase("1/99999999999", "is not K/N")]
    public void RejectsBadValues(string text, string message)
    {
        var e = Assert.Throws<ShardSelectionException>(() => ShardSpec.Parse(text))!;
        Assert.That(e.Message, Does.Contain(message).And.Contain("--shard"));
    }
}
