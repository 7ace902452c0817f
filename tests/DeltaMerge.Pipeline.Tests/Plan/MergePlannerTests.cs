using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Tests.Plan;

public sealed class MergePlannerTests
{
    private static TensorEntry E(string name, params long[] shape) => new(name, DType.F16, shape, "/x/" + name, 0, DTypeInfo.ByteSize(DType.F16, shape));

    private static readonly TensorEntry[] Base =
    [
        E("lm_head.weight", 10, 4), E("model.norm.weight", 4), E("model.layers.10.mlp.up_proj.weight", 8, 4),
        E("model.layers.2.self_attn.q_proj.weight", 4, 4), E("model.embed_tokens.weight", 10, 4),
        E("model.layers.2.self_attn.rotary_emb.inv_freq", 2),
    ];

    private static TensorEntry[] Delta(long vocab) =>
    [
        E("model.embed_tokens.weight", vocab, 4), E("model.layers.2.self_attn.q_proj.weight", 4, 4),
        E("model.layers.10.mlp.up_proj.weight", 8, 4), E("model.norm.weight", 4), E("lm_head.weight", vocab, 4),
    ];

    [Test]
    public void FollowsTheDeltasStorageOrderAndGrowsTheVocabulary()
    {
        var delta = Delta(11).Select((d, i) => d with { FilePath = "/delta.bin", Offset = 1000 - 100 * i }).ToArray(); // stored back to front
        var plan = MergePlanner.PlanApplyDelta(Base, delta, DType.F16, long.MaxValue);
        Assert.That(plan.Tasks.Select(t => t.Name), Is.EqualTo(new[]
        {
            "lm_head.weight", "model.norm.weight", "model.layers.10.mlp.up_proj.weight", "model.layers.2.self_attn.q_proj.weight", "model.embed_tokens.weight",
        }));
        plan = MergePlanner.PlanApplyDelta(Base, Delta(11), DType.F16, long.MaxValue);
        var embed = plan.Tasks.Single(t => t.Name == "model.embed_tokens.weight");
        Assert.That(embed.OutputShape, Is.EqualTo(new long[] { 11, 4 }));
        Assert.That(embed.PrimaryPaddingRows, Is.EqualTo(1));
        Assert.That((plan.PrimaryVocabRows, plan.OutputVocabRows), Is.EqualTo((10L, 11L)));
        Assert.That(plan.Skipped.Single().Name, Is.EqualTo("model.layers.2.self_attn.rotary_emb.inv_freq"));
    }

    [Test]
    public void DeltaWithFewerVocabularyRowsIsAShapeMismatch()
    {
        var e = Assert.Throws<MergePlanException>(() => MergePlanner.PlanApplyDelta(Base, Delta(9), DType.F16, long.MaxValue))!;
        Assert.That(e.Kind, Is.EqualTo(MergePlanErrorKind.ShapeMismatch));
        Assert.That(e.Message, Does.Contain("[10, 4]").And.Contain("[9, 4]"));
    }

    [Test]
    public void OtherShapeDifferencesAreMismatches()
    {
        var delta = Delta(10).Select(d => d.Name == "model.norm.weight" ? E(d.Name, 5) : d).ToArray();
        var e = Assert.Throws<MergePlanException>(() => MergePlanner.PlanApplyDelta(Base, delta, DType.F16, long.MaxValue))!;
        Assert.That((e.Kind, e.TensorName), Is.EqualTo((MergePlanErrorKind.ShapeMismatch, "model.norm.weight")));
    }

    [Test]
    public void MissingTensorsAreNamedOnEitherSide()
    {
        var e1 = Assert.Throws<MergePlanException>(() => MergePlanner.PlanApplyDelta(Base, Delta(10).Skip(1).ToArray(), DType.F16, long.MaxValue))!;
        Assert.That((e1.Kind, e1.TensorName), Is.EqualTo((MergePlanErrorKind.MissingInSecondary, "model.embed_tokens.weight")));
        var e2 = Assert.Throws<MergePlanException>(() => MergePlanner.PlanApplyDelta(Base, [.. Delta(10), E("extra.weight", 1)], DType.F16, long.MaxValue))!;
        Assert.That((e2.Kind, e2.TensorName), Is.EqualTo((MergePlanErrorKind.MissingInPrimary, "extra.weight")));
    }

    [Test]
    public void NonFloatTensorsAreRefused()
    {
        var delta = Delta(10).Select(d => d.Name == "model.norm.weight" ? d with { DType = DType.I64, ByteLength = 32 } : d).ToArray();
        var e = Assert.Throws<MergePlanException>(() => MergePlanner.PlanApplyDelta(Base, delta, DType.F16, long.MaxValue))!;
        Assert.That(e.Kind, Is.EqualTo(MergePlanErrorKind.UnsupportedDType));
    }

    [Test]
    public void ShardsSplitLikeSavePretrained()
    {
        // Sizes in the delta's order: embed 88, q 32, up 64, norm 8, lm_head 88 bytes; limit 100.
        var plan = MergePlanner.PlanApplyDelta(Base, Delta(11), DType.F16, 100);
        Assert.That(plan.Shards.Select(s => s.Tasks.Select(t => t.Name.Split('.')[^2]).ToArray()), Is.EqualTo(new[]
        {
            new[] { "embed_tokens" }, ["q_proj", "up_proj"], ["norm", "lm_head"],
        }));
        Assert.That(plan.Shards.Select(s => s.FileName), Is.EqualTo(new[]
        {
            "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors",
        }));
    }

    [Test]
    public void MakeDeltaPadsTheBaseOperand()
    {
        var plan = MergePlanner.PlanMakeDelta(Delta(11), Base, DType.F16, long.MaxValue);
        Assert.That(plan.Tasks.Single(t => t.Name == "model.embed_tokens.weight").SecondaryPaddingRows, Is.EqualTo(1));
        Assert.That(plan.Operation, Is.EqualTo(TensorOperation.Subtract));
    }

    [TestCase("5GB", 5_000_000_000L)]
    [TestCase("2GiB", 2L << 30)]
    [TestCase("500MB", 500_000_000L)]
    [TestCase("1.5KB", 1500L)]
    [TestCase("12345", 12345L)]
    public void ShardSizesParseLikeTransformers(string text, long bytes) => Assert.That(ShardSize.Parse(text), Is.EqualTo(bytes));

    [TestCase("")]
    [TestCase("5XB")]
    [TestCase("-1")]
    [TestCase("0")]
    public void BadShardSizesAreRejected(string text) => Assert.Throws<FormatException>(() => ShardSize.Parse(text));
}
