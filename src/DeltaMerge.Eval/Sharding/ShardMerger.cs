using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Reporting;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Eval.Sharding;

/// <summary>
/// eval-merge: checks that shard directories are the N shards of one eval or eval-suite run (same model, task(s),
/// data and protocol options; every K of 0..N−1 exactly once; each finished) and writes, atomically, what the
/// unsharded run writes: predictions.jsonl (the shards' lines concatenated in example order), metrics.json (computed
/// from those lines in the same order, fallbacks summed), report.md, run.json (and, for a suite, every task directory,
/// report.md and suite.json). No file of a run holds timings or timestamps, so the merged files are byte for byte
/// those of an unsharded run with the same model path and data paths.
/// </summary>
public static class ShardMerger
{
    /// <summary>What was merged.</summary>
    /// <param name="OutputDirectory">The merged run.</param>
    /// <param name="Suite">Whether the shards were eval-suite runs.</param>
    /// <param name="ShardCount">N.</param>
    /// <param name="Shards">The shard directories, in shard order.</param>
    /// <param name="Metrics">Each task's merged metrics, in run order.</param>
    public sealed record Result(string OutputDirectory, bool Suite, int ShardCount, IReadOnlyList<string> Shards, IReadOnlyList<EvalMetrics> Metrics);

    /// <summary>Merges the shards in <paramref name="inputs"/> (shard directories, or directories holding them) into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="ShardMergeException">The shards are not the complete, finished shards of one run.</exception>
    /// <exception cref="OutputExistsException">The output exists and <paramref name="force"/> is false.</exception>
    public static Result Merge(IReadOnlyList<string> inputs, string outputDirectory, bool force)
    {
        var dirs = FindShards(inputs);
        bool suite = File.Exists(Path.Combine(dirs[0], SuiteRecord.FileName));
        if (dirs.FirstOrDefault(d => File.Exists(Path.Combine(d, SuiteRecord.FileName)) != suite) is { } other)
            throw new ShardMergeException(ShardMergeErrorKind.DifferentRun, $"eval-suite shards (with {SuiteRecord.FileName}) and eval shards cannot be merged together: {dirs[0]} and {other}.");
        using var output = AtomicOutputDirectory.Create(outputDirectory, force);
        List<string> ordered;
        var metrics = new List<EvalMetrics>();
        if (suite)
        {
            var shards = CheckShards(dirs.Select(d => (d, ReadSuite(d))).ToList(), s => s.Shard, (a, b) => a.DifferenceFrom(b), s => s.Finished, SuiteRecord.FileName);
            ordered = shards.Select(s => s.Dir).ToList();
            metrics.AddRange(MergeSuite(shards, output.TempPath));
        }
        else
        {
            var shards = CheckRuns(dirs);
            ordered = shards.Select(s => s.Dir).ToList();
            metrics.Add(MergeTask(shards, output.TempPath));
        }
        output.Commit();
        return new Result(output.FinalPath, suite, ordered.Count, ordered, metrics);
    }

    /// <summary>Each input that is a shard (it holds run.json or suite.json), else its subdirectories that are, in name order.</summary>
    private static List<string> FindShards(IReadOnlyList<string> inputs)
    {
        if (inputs.Count == 0) throw new ShardMergeException(ShardMergeErrorKind.NoShards, "no shard directory given.");
        var found = new List<string>();
        foreach (string input in inputs.Select(Path.GetFullPath))
        {
            if (!Directory.Exists(input)) throw new ShardMergeException(ShardMergeErrorKind.NoShards, "no such directory.", input);
            if (IsShard(input))
            {
                found.Add(input);
                continue;
            }
            var inside = Directory.GetDirectories(input).Where(d => !Path.GetFileName(d).StartsWith('.') && IsShard(d)).Order(StringComparer.Ordinal).ToList();
            if (inside.Count == 0)
                throw new ShardMergeException(ShardMergeErrorKind.NoShards,
                    $"holds no shard: no {EvalRunner.RunFileName} or {SuiteRecord.FileName} in it or its subdirectories (a sharded run writes OUT/shard-K-of-N/).", input);
            found.AddRange(inside);
        }
        return found;
    }

    private static bool IsShard(string dir) =>
        File.Exists(Path.Combine(dir, EvalRunner.RunFileName)) || File.Exists(Path.Combine(dir, SuiteRecord.FileName));

    private static List<(string Dir, RunRecord Record)> CheckRuns(IEnumerable<string> dirs) =>
        CheckShards(dirs.Select(d => (d, ReadRun(d))).ToList(), r => r.Shard?.Spec, (a, b) => a.DifferenceFrom(b), r => r.Finished, EvalRunner.RunFileName);

    /// <summary>One run, each shard once, all there, all finished; returns them in shard order.</summary>
    private static List<(string Dir, T Record)> CheckShards<T>(List<(string Dir, T Record)> shards, Func<T, ShardSpec?> spec,
        Func<T, T, string?> difference, Func<T, bool> finished, string recordName)
    {
        foreach (var (dir, record) in shards)
            if (spec(record) == null)
                throw new ShardMergeException(ShardMergeErrorKind.NotSharded, $"holds a whole run ({recordName} has no \"shard\"), not a shard: it needs no merging.", dir);
        var (firstDir, first) = shards[0];
        foreach (var (dir, record) in shards.Skip(1))
            if (difference(first, record) is string d)
                throw new ShardMergeException(ShardMergeErrorKind.DifferentRun, $"is not a shard of the same run as {firstDir}: {d}.", dir);
        int count = spec(first)!.Count;
        var byIndex = new Dictionary<int, string>();
        foreach (var (dir, record) in shards)
            if (!byIndex.TryAdd(spec(record)!.Index, dir))
                throw new ShardMergeException(ShardMergeErrorKind.DuplicatedExamples,
                    $"shard {spec(record)} is given twice, here and in {byIndex[spec(record)!.Index]}: its examples would be counted twice.", dir);
        var missing = Enumerable.Range(0, count).Where(k => !byIndex.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ShardMergeException(ShardMergeErrorKind.MissingShard,
                $"shard {string.Join(", ", missing.Select(k => $"{k}/{count}"))} missing: the run has {count} shards and only {string.Join(", ", byIndex.Keys.Order().Select(k => $"{k}/{count}"))} were given ({string.Join(", ", byIndex.Values)}).");
        foreach (var (dir, record) in shards)
            if (!finished(record))
                throw new ShardMergeException(ShardMergeErrorKind.UnfinishedShard,
                    $"shard {spec(record)} has not finished ({recordName} says \"finished\": false): it is still running or was interrupted; run it again with --resume.", dir);
        return shards.OrderBy(s => spec(s.Record)!.Index).ToList();
    }

    private static List<EvalMetrics> MergeSuite(List<(string Dir, SuiteRecord Record)> shards, string outputDirectory)
    {
        SuiteRecord suite = shards[0].Record;
        var mode = Enum.TryParse<EvalMode>(suite.Mode, ignoreCase: true, out var m) && Enum.IsDefined(m) ? m
            : throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"\"mode\" '{suite.Mode}' is not generate or rank.", Path.Combine(shards[0].Dir, SuiteRecord.FileName));
        var results = new Dictionary<EvalTask, EvalMetrics>();
        var merged = new List<EvalMetrics>();
        var notes = new List<string>();
        foreach (string name in suite.Requested ?? TaskCatalog.All.Select(t => t.Name).ToArray())
        {
            TaskSpec task = TaskCatalog.TryParse(name, out var t) ? t
                : throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"names an unknown task '{name}'.", Path.Combine(shards[0].Dir, SuiteRecord.FileName));
            if (suite.Skipped.Contains(name))
            {
                notes.Add(SuiteNotes.Skipped(task));
                continue;
            }
            var runs = CheckRuns(shards.Select(s => Path.Combine(s.Dir, name)));
            for (int k = 0; k < runs.Count; k++)
                if (runs[k].Record.Shard!.Spec != shards[k].Record.Shard)
                    throw new ShardMergeException(ShardMergeErrorKind.MalformedShard,
                        $"is shard {runs[k].Record.Shard!.Spec} but sits in the suite's shard {shards[k].Record.Shard}.", runs[k].Dir);
            EvalMetrics metrics = MergeTask(runs, Path.Combine(outputDirectory, name));
            results[task.Task] = metrics;
            notes.AddRange(SuiteNotes.Ran(task, mode, runs[0].Record.Total, runs[0].Record.Examples));
            merged.Add(metrics);
        }
        EvalReport.WriteSuite(outputDirectory, results, notes);
        EvalRunner.WriteText(Path.Combine(outputDirectory, SuiteRecord.FileName), (suite with { Shard = null, Finished = true }).ToJsonText());
        return merged;
    }

    /// <summary>Concatenates one task's shards (in shard order) and writes the task's four files into <paramref name="outputDirectory"/>.</summary>
    private static EvalMetrics MergeTask(List<(string Dir, RunRecord Record)> shards, string outputDirectory)
    {
        RunRecord run = shards[0].Record;
        TaskSpec spec = TaskCatalog.TryParse(run.Task, out var t) ? t
            : throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"names an unknown task '{run.Task}'.", Path.Combine(shards[0].Dir, EvalRunner.RunFileName));
        EvalOptions options;
        try
        {
            options = run.Options();
        }
        catch (ArgumentException e)
        {
            throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"mode '{run.Mode}' or special tokens '{run.SpecialTokens}' is not known.", Path.Combine(shards[0].Dir, EvalRunner.RunFileName), e);
        }
        var predictions = new StringBuilder();
        var records = new List<PredictionRecord>();
        var seen = new Dictionary<int, string>();
        int fallbacks = 0;
        foreach (var (dir, shard) in shards)
        {
            var (start, end) = shard.Shard!.Spec.Range(run.Total);
            if ((shard.Shard.Start, shard.Shard.End) != (start, end))
                throw new ShardMergeException(ShardMergeErrorKind.MalformedShard,
                    $"records examples {shard.Shard.Start}..{shard.Shard.End - 1}, but shard {shard.Shard.Spec} of {run.Total} examples holds {start}..{end - 1}.", Path.Combine(dir, EvalRunner.RunFileName));
            fallbacks += Parse(Path.Combine(dir, EvalRunner.MetricsFileName), o => new JsonFields(o).Integer("fallbacks"));
            string path = Path.Combine(dir, PredictionsFile.FileName);
            string[] lines = File.Exists(path) ? RegularFile.ReadAllText(path).Split('\n') : [""];
            if (lines[^1].Length != 0) throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, "the last line is not terminated.", path);
            for (int i = 0; i < lines.Length - 1; i++)
            {
                JsonObject line = ParseLine(lines[i], path, i + 1);
                int index = (int)(RunFile.Integer(line, "index") ?? throw Malformed(path, i + 1, "has no whole-number \"index\""));
                if (seen.TryGetValue(index, out string? where))
                    throw new ShardMergeException(ShardMergeErrorKind.DuplicatedExamples, $"line {i + 1} repeats example {index}, already in {where}.", path);
                if (index != start + i) throw Malformed(path, i + 1, $"holds example {index}, expected {start + i} (shard {shard.Shard.Spec} holds {start}..{end - 1} in order)");
                seen[index] = path;
                records.Add(ToRecord(line, index, spec.IsQa, path, i + 1));
                predictions.Append(lines[i]).Append('\n');
            }
            if (lines.Length - 1 != end - start)
                throw new ShardMergeException(ShardMergeErrorKind.UnfinishedShard, $"has {lines.Length - 1} of the shard's {end - start} predictions.", path);
        }
        var metrics = EvalMetrics.From(spec, options.Mode, records) with { Fallbacks = fallbacks };
        Directory.CreateDirectory(outputDirectory);
        EvalRunner.WriteText(Path.Combine(outputDirectory, PredictionsFile.FileName), predictions.ToString());
        EvalRunner.WriteText(Path.Combine(outputDirectory, EvalRunner.MetricsFileName), EvalRunner.MetricsText(metrics));
        // The breakdown chart of a classification task is by gold label, which predictions do not record: read from the data.
        ChartFiles chart = ScoreChart.WriteTask(outputDirectory, metrics, spec.IsQa ? null : RecordedData(spec, run, shards[0].Dir), records);
        EvalRunner.WriteText(Path.Combine(outputDirectory, EvalRunner.ReportFileName),
            EvalReport.ForTask(metrics, run.Data, run.Format, run.Examples, options, run.Total < run.Examples, chart));
        EvalRunner.WriteText(Path.Combine(outputDirectory, EvalRunner.RunFileName), (run with { Shard = null, Finished = true }).ToJsonText());
        return metrics;
    }

    /// <summary>What metrics need of a prediction line: correctness, or F1 and exact match (fallbacks come from each shard's metrics.json).</summary>
    /// <summary>The data the shards ran on, as run.json records it, checked against the recorded digest.</summary>
    private static EvalDataset RecordedData(TaskSpec spec, RunRecord run, string shardDirectory)
    {
        string runFile = Path.Combine(shardDirectory, EvalRunner.RunFileName);
        EvalDataset data;
        try
        {
            data = EvalDataLoader.Load(spec, run.Data);
        }
        catch (Exception e) when (e is EvalDataException or IOException or UnauthorizedAccessException)
        {
            throw new ShardMergeException(ShardMergeErrorKind.DataUnavailable,
                $"the task's data, needed for the report's accuracy-by-gold-label chart, cannot be read: {e.Message}", runFile, e);
        }
        if (RunRecord.DataDigest(data.Files) != run.DataSha256)
            throw new ShardMergeException(ShardMergeErrorKind.DataUnavailable,
                $"the data files {string.Join(", ", run.Data)} changed since the shards ran (SHA-256 differs from data_sha256).", runFile);
        return data;
    }

    private static PredictionRecord ToRecord(JsonObject line, int index, bool qa, string path, int number)
    {
        string output = line["output"] is JsonValue o && o.GetValueKind() == JsonValueKind.String ? o.GetValue<string>() : throw Malformed(path, number, "has no string \"output\"");
        if (!qa)
        {
            bool correct = line["correct"] is JsonValue c && c.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? c.GetValue<bool>()
                : throw Malformed(path, number, "has no true/false \"correct\" (a QA task's predictions?)");
            return new PredictionRecord(index, "", output, "", correct, null, null, false);
        }
        double Score(string key) => line[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>()
            : throw Malformed(path, number, $"has no number \"{key}\" (a classification task's predictions?)");
        return new PredictionRecord(index, "", output, "", null, Score("f1"), Score("exact_match"), false);
    }

    private static RunRecord ReadRun(string dir) => Parse(Path.Combine(dir, EvalRunner.RunFileName), RunRecord.Parse);

    private static SuiteRecord ReadSuite(string dir) => Parse(Path.Combine(dir, SuiteRecord.FileName), SuiteRecord.Parse);

    private static T Parse<T>(string path, Func<JsonObject, T> parse)
    {
        if (!File.Exists(path)) throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, "is missing: not a complete shard of eval or eval-suite.", path);
        try
        {
            return parse(ReadObject(path));
        }
        catch (FormatException e)
        {
            throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, e.Message, path, e);
        }
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return StrictJson.Parse(RegularFile.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (Exception e) when (e is JsonException or FileNotFoundException)
        {
            throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"not readable as the JSON object eval writes ({e.Message}).", path, e);
        }
    }

    private static JsonObject ParseLine(string line, string path, int number)
    {
        try
        {
            return StrictJson.Parse(line) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new ShardMergeException(ShardMergeErrorKind.MalformedShard, $"line {number} is not a prediction record ({e.Message}).", path, e);
        }
    }

    private static ShardMergeException Malformed(string path, int line, string what) =>
        new(ShardMergeErrorKind.MalformedShard, $"line {line} {what}.", path);
}
