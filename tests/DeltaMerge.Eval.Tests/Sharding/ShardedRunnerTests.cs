using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Sharding;
using DeltaMerge.Runtime;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests.Sharding;

/// <summary>The runner's shards and <see cref="ShardMerger"/> in process, on the tiny merged model (which has no SHA256SUMS: its files are hashed).</summary>
[NonParallelizable]
public sealed class ShardedRunnerTests
{
    private static TempDirectory _temp = null!;
    private static ModelSession _session = null!;
    private static ModelIdentity _model = null!;

    [OneTimeSetUp]
    public static void Load()
    {
        _temp = new TempDirectory();
        _session = TinySession.Session;
        _model = ModelIdentity.Of(TinySession.Directory);
    }

    [OneTimeTearDown]
    public static void Cleanup() => _temp?.Dispose();

    [TestCase("squad", "squad.jsonl", EvalMode.Generate, 2)]
    [TestCase("mnli", "mnli.jsonl", EvalMode.Rank, 3)]
    [TestCase("openbookqa", "openbookqa.jsonl", EvalMode.Generate, 5)]
    public void ShardsMergeIntoTheWholeRun(string task, string file, EvalMode mode, int n)
    {
        var data = EvalFixtures.Load(task, file);
        var options = new EvalOptions { Mode = mode, Model = _model };
        var runner = new EvalRunner(_session);
        string whole = _temp.Sub($"{task}-whole"), shards = _temp.Sub($"{task}-shards"), merged = _temp.Sub($"{task}-merged");
        runner.Run(data, whole, options);
        for (int k = n - 1; k >= 0; k--)
        {
            var shard = new ShardSpec(k, n);
            var result = runner.Run(data, ShardSpec.OutputDirectory(shards, shard), options with { Shard = shard });
            var (start, end) = shard.Range(data.Examples.Count);
            Assert.That(result.Metrics.N, Is.EqualTo(end - start));
        }
        var merge = ShardMerger.Merge([shards], merged, force: false);
        Assert.That(merge.ShardCount, Is.EqualTo(n));
        DirectoryFiles.AssertSame(whole, merged);
        var run = RunRecord.Parse(JsonNode.Parse(File.ReadAllText(Path.Combine(merged, "run.json")))!.AsObject());
        Assert.That((run.Model!.Source, run.Model.Sha256, run.Shard, run.Finished), Is.EqualTo((ModelIdentity.HashedFiles, _model.Sha256, (RunRecord.ShardRange?)null, true)));
    }

    [Test]
    public void RunRecordsRoundTrip()
    {
        string dir = ShardSpec.OutputDirectory(_temp.Sub("wic-record"), new ShardSpec(1, 2));
        new EvalRunner(_session).Run(EvalFixtures.Load("wic", "wic.jsonl"), dir, new EvalOptions { Shard = new ShardSpec(1, 2), Model = _model, Limit = 2 });
        string text = File.ReadAllText(Path.Combine(dir, "run.json"));
        var record = RunRecord.Parse(JsonNode.Parse(text)!.AsObject());
        Assert.That(record.ToJsonText(), Is.EqualTo(text));
        Assert.That((record.Shard!.Spec, record.Shard.Start, record.Shard.End, record.Total, record.Finished), Is.EqualTo((new ShardSpec(1, 2), 1, 2, 2, true)));
    }

    [Test]
    public void ResumeRefusesAnotherShardOrAnotherModel()
    {
        var data = EvalFixtures.Load("rte", "rte.jsonl");
        string dir = _temp.Sub("rte-shard");
        var runner = new EvalRunner(_session);
        runner.Run(data, dir, new EvalOptions { Shard = new ShardSpec(0, 2), Model = _model });
        var other = Assert.Throws<EvalDataException>(() => runner.Run(data, dir, new EvalOptions { Shard = new ShardSpec(1, 2), Model = _model, Resume = true }))!;
        Assert.That((other.Kind, other.Message), Is.EqualTo((EvalDataErrorKind.ResumeMismatch, $"{Path.Combine(dir, "run.json")}: the earlier run was shard 0/2; this one is shard 1/2.")));
        var model = Assert.Throws<EvalDataException>(() => runner.Run(data, dir,
            new EvalOptions { Shard = new ShardSpec(0, 2), Model = _model with { Sha256 = new string('0', 64) }, Resume = true }))!;
        Assert.That((model.Kind, model.Message), Is.EqualTo((EvalDataErrorKind.ResumeMismatch,
            $"{Path.Combine(dir, "run.json")}: the earlier run used the model with checksum listing SHA-256 {_model.Sha256}; {_model.Path} has {new string('0', 64)}.")));
        var same = runner.Run(data, dir, new EvalOptions { Shard = new ShardSpec(0, 2), Model = _model, Resume = true });
        Assert.That((same.Resumed, same.Evaluated), Is.EqualTo((1, 0)));
    }

    [Test]
    public void MergeRefusesARangeThatIsNotTheSplitRule()
    {
        var data = EvalFixtures.Load("sst2", "sst2.jsonl");
        string shards = _temp.Sub("sst2-shards");
        var runner = new EvalRunner(_session);
        for (int k = 0; k < 2; k++) runner.Run(data, ShardSpec.OutputDirectory(shards, new ShardSpec(k, 2)), new EvalOptions { Shard = new ShardSpec(k, 2), Model = _model });
        string run = Path.Combine(shards, "shard-1-of-2", "run.json");
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"start\": 1", "\"start\": 0"));
        var e = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge([shards], _temp.Sub("sst2-merged"), force: false))!;
        Assert.That((e.Kind, e.Path), Is.EqualTo((ShardMergeErrorKind.MalformedShard, run)));
        Assert.That(e.Message, Does.Contain("records examples 0..2, but shard 1/2 of 3 examples holds 1..2"));
        Assert.That(Directory.Exists(_temp.Sub("sst2-merged")), Is.False);
    }

    [Test]
    public void MergeRefusesWhenTheRecordedDataIsChangedOrGone()
    {
        string dataDir = _temp.Sub("rte-data");
        Directory.CreateDirectory(dataDir);
        string file = Path.Combine(dataDir, "rte.jsonl");
        File.Copy(EvalFixtures.File("rte.jsonl"), file);
        var data = EvalDataLoader.Load(EvalFixtures.Task("rte"), file);
        string shards = _temp.Sub("rte-data-shards");
        var runner = new EvalRunner(_session);
        for (int k = 0; k < 2; k++) runner.Run(data, ShardSpec.OutputDirectory(shards, new ShardSpec(k, 2)), new EvalOptions { Shard = new ShardSpec(k, 2), Model = _model });
        string run = Path.Combine(shards, "shard-0-of-2", "run.json");

        File.AppendAllText(file, "\n");
        var changed = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge([shards], _temp.Sub("rte-changed"), force: false))!;
        Assert.That((changed.Kind, changed.Path), Is.EqualTo((ShardMergeErrorKind.DataUnavailable, run)));
        Assert.That(changed.Message, Does.Contain("changed since the shards ran"));

        File.Delete(file);
        var gone = Assert.Throws<ShardMergeException>(() => ShardMerger.Merge([shards], _temp.Sub("rte-gone"), force: false))!;
        Assert.That((gone.Kind, gone.Path), Is.EqualTo((ShardMergeErrorKind.DataUnavailable, run)));
        Assert.That(gone.InnerException, Is.TypeOf<EvalDataException>());
        Assert.That(Directory.Exists(_temp.Sub("rte-changed")) || Directory.Exists(_temp.Sub("rte-gone")), Is.False);
    }
}
