using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Reporting;
using DeltaMerge.Eval.Scoring;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Runtime;
using DeltaMerge.Runtime.Generation;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// Runs one task on a loaded model and writes predictions.jsonl (as it goes, in example order), metrics.json and
/// report.md. Generate mode decodes up to <see cref="EvalOptions.BatchSize"/> examples at once, each with its own KV
/// cache and position (what the authors' left-padded batches compute); each example's greedy tokens are the same for
/// every batch size.
/// </summary>
public sealed class EvalRunner
{
    /// <summary>The run's record (<see cref="RunRecord"/>: task, options, data, model, shard), checked by --resume and eval-merge.</summary>
    public const string RunFileName = "run.json";

    /// <summary>metrics.json.</summary>
    public const string MetricsFileName = "metrics.json";

    /// <summary>report.md.</summary>
    public const string ReportFileName = "report.md";

    private readonly ModelSession _session;

    /// <summary>Evaluates with <paramref name="session"/>'s model and tokenizer.</summary>
    public EvalRunner(ModelSession session) => _session = session;

    /// <summary>
    /// Evaluates <paramref name="data"/> (or, with <see cref="EvalOptions.Shard"/>, that shard's examples) into
    /// <paramref name="outputDirectory"/> (created if missing).
    /// </summary>
    /// <exception cref="ArgumentException">Rank mode on a QA task, or a bad limit.</exception>
    /// <exception cref="EvalDataException">--resume found predictions of another task, mode or data.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the predictions written so far stay for --resume.</exception>
    public EvalResult Run(EvalDataset data, string outputDirectory, EvalOptions options, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        TaskSpec spec = data.Task;
        if (spec.IsQa && options.Mode == EvalMode.Rank) throw new ArgumentException($"{spec.Name} is extractive QA: rank mode is for classification tasks only.", nameof(options));
        if (options.Limit is < 0) throw new ArgumentOutOfRangeException(nameof(options), "The limit must not be negative.");
        int total = Math.Min(options.Limit ?? int.MaxValue, data.Examples.Count);
        var (start, end) = options.Shard?.Range(total) ?? (0, total);
        Directory.CreateDirectory(outputDirectory);
        string predictionsPath = Path.Combine(outputDirectory, PredictionsFile.FileName);
        var tokens = new PromptTokens(_session.Tokenizer, options.SpecialTokens);

        var records = new List<PredictionRecord>();
        if (options.Resume) records.AddRange(Resume(spec, data, options, outputDirectory, predictionsPath, start, end));
        else if (File.Exists(predictionsPath)) File.Delete(predictionsPath);
        int resumed = records.Count;
        RunRecord run = RunRecord.For(data, options, total);
        string runPath = Path.Combine(outputDirectory, RunFileName);
        WriteText(runPath, run.ToJsonText());

        var generation = new GenerationOptions { MaxNewTokens = options.MaxNewTokens, StopTokenIds = [_session.NewlineTokenId()] };
        progress?.Report((records.Count, end - start));
        using (var writer = new StreamWriter(predictionsPath, append: true, new UTF8Encoding(false)))
        {
            void Write(PredictionRecord record)
            {
                writer.Write(PredictionsFile.ToLine(record));
                writer.Write('\n');
                writer.Flush();
                records.Add(record);
                progress?.Report((records.Count, end - start));
            }

            int first = start + records.Count;
            var examples = Enumerable.Range(first, end - first).Select(i => data.Examples[i]).ToList();
            var prompts = examples.Select(spec.Prompt).ToList();
            var ids = prompts.Select(p => tokens.Encode(p, spec.IsQa ? options.MaxQaPromptTokens : null)).ToList();
            if (options.Mode == EvalMode.Generate)
            {
                // Sequences finish out of order; predictions are written in example order, as soon as the next is done.
                var done = new Dictionary<int, PredictionRecord>();
                int written = 0;
                _session.Generator.GenerateBatch(ids, generation, options.BatchSize, (k, result) =>
                {
                    done[k] = ScoreOutput(spec, examples[k], prompts[k], tokens.OutputText(ids[k], result.Tokens, spec.IsQa));
                    while (done.Remove(written, out var record))
                    {
                        Write(record);
                        written++;
                    }
                }, tokens.Skip, cancellationToken);
            }
            else
            {
                for (int k = 0; k < examples.Count; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Write(ScoreRank(spec, examples[k], prompts[k], Rank(ids[k], spec.RankOptions(examples[k]))));
                }
            }
        }

        var metrics = EvalMetrics.From(spec, options.Mode, records);
        WriteText(Path.Combine(outputDirectory, MetricsFileName), MetricsText(metrics));
        ChartFiles chart = ScoreChart.WriteTask(outputDirectory, metrics, data, records);
        WriteText(Path.Combine(outputDirectory, ReportFileName), EvalReport.ForTask(metrics, data, options, total < data.Examples.Count, chart));
        WriteText(runPath, (run with { Finished = true }).ToJsonText());
        return new EvalResult(metrics, Path.GetFullPath(outputDirectory), resumed, records.Count - resumed);
    }

    /// <summary>Prediction and correctness of a generated output, by the authors' rules.</summary>
    public static PredictionRecord ScoreOutput(TaskSpec spec, EvalExample example, string prompt, string output)
    {
        if (spec.IsQa)
        {
            string answer = QaMetrics.AnswerFromOutput(output);
            QaScore score = QaMetrics.Score(answer, example.GoldAnswers, spec.QaScoring!.Value);
            return new PredictionRecord(example.Index, prompt, output, answer, null, score.F1, score.ExactMatch, output.Contains("None", StringComparison.Ordinal));
        }
        LabelExtraction label = LabelExtraction.From(spec, output, example.Options);
        return new PredictionRecord(example.Index, prompt, output, spec.PredictionValue(label.Class, example.LabelStyle),
            label.Class == example.Gold, null, null, label.Fallback);
    }

    /// <summary>The record of a rank-mode choice: the output is the chosen option's string.</summary>
    public static PredictionRecord ScoreRank(TaskSpec spec, EvalExample example, string prompt, int chosen) =>
        new(example.Index, prompt, spec.RankOptions(example)[chosen], spec.PredictionValue(chosen, example.LabelStyle), chosen == example.Gold, null, null, false);

    /// <summary>
    /// T0-style rank classification: for each option o, score(o) = sum over o's tokens t_j of log P(t_j | prompt ids,
    /// t_1..t_{j-1}), where o's tokens are tokenizer.Encode(o) without BOS (SentencePiece's dummy prefix makes them read
    /// as " o" after the prompt). Unnormalised sum; the highest wins, ties to the first. The prompt runs once; every
    /// option continues from its KV state.
    /// </summary>
    public int Rank(IReadOnlyList<int> promptIds, IReadOnlyList<string> options)
    {
        var scores = Scorer.ContinuationLogLikelihoods(_session.Runtime, promptIds,
            options.Select(o => _session.Tokenizer.Encode(o, addBos: false)).ToList());
        int best = 0;
        for (int k = 1; k < scores.Count; k++)
            if (scores[k] > scores[best]) best = k;
        return best;
    }

    /// <summary>metrics.json's text.</summary>
    internal static string MetricsText(EvalMetrics metrics) => metrics.ToJson().ToJsonString(RunRecord.Indented) + "\n";

    private static IEnumerable<PredictionRecord> Resume(TaskSpec spec, EvalDataset data, EvalOptions options, string dir, string predictionsPath, int start, int end)
    {
        string runPath = Path.Combine(dir, RunFileName);
        if (File.Exists(runPath))
        {
            JsonObject run = RunFile.Read(runPath);
            string? task = RunFile.Text(run, "task", runPath), mode = RunFile.Text(run, "mode", runPath), special = RunFile.Text(run, "special_tokens", runPath);
            if (task != spec.Name || mode != Lower(options.Mode) || special != Lower(options.SpecialTokens))
                throw new EvalDataException(EvalDataErrorKind.ResumeMismatch,
                    $"the earlier run was task {task}, mode {mode}, special tokens {special}; this one is {spec.Name}, {Lower(options.Mode)}, {Lower(options.SpecialTokens)}.", runPath);
            CheckSameShardAndModel(run, options, runPath);
        }
        var records = new List<PredictionRecord>();
        var lines = PredictionsFile.ReadForResume(predictionsPath);
        foreach (var (line, number) in lines)
        {
            if (records.Count >= end - start) break;
            int index = start + records.Count;
            EvalExample example = data.Examples[index];
            string expectedPrompt = spec.Prompt(example);
            if (RunFile.Integer(line, "index") != index || RunFile.Text(line, "prompt", predictionsPath, number) != expectedPrompt)
                throw new EvalDataException(EvalDataErrorKind.ResumeMismatch,
                    $"example {index} does not match the data (index or prompt differs): the file belongs to another task or data file.", predictionsPath, $"line {number}");
            string output = RunFile.Text(line, "output", predictionsPath, number) ?? "";
            // Predictions, scores and fallbacks are recomputed from the output (the authors' rules are pure functions of it).
            records.Add(options.Mode == EvalMode.Generate
                ? ScoreOutput(spec, example, expectedPrompt, output)
                : ScoreRank(spec, example, expectedPrompt, IndexOfOption(spec.RankOptions(example), output, predictionsPath, number)));
        }
        // A smaller --limit than before: keep the file in step with the metrics.
        if (lines.Count > records.Count)
            File.WriteAllText(predictionsPath, string.Concat(records.Select(r => PredictionsFile.ToLine(r) + "\n")), new UTF8Encoding(false));
        return records;
    }

    private static int IndexOfOption(IReadOnlyList<string> options, string output, string path, int line)
    {
        for (int k = 0; k < options.Count; k++)
            if (options[k] == output) return k;
        throw new EvalDataException(EvalDataErrorKind.ResumeMismatch, $"the output \"{output}\" is none of the example's options.", path, $"line {line}");
    }

    /// <summary>A shard resumes only its own examples, and only with the model it started with (when both are recorded).</summary>
    private static void CheckSameShardAndModel(JsonObject run, EvalOptions options, string runPath)
    {
        string earlier = run["shard"] is JsonObject s ? $"{RunFile.Integer(s, "index")}/{RunFile.Integer(s, "count")}" : "none";
        string now = options.Shard?.ToString() ?? "none";
        if (earlier != now)
            throw new EvalDataException(EvalDataErrorKind.ResumeMismatch, $"the earlier run was shard {earlier}; this one is shard {now}.", runPath);
        string? model = run["model"] is JsonObject m ? RunFile.Text(m, "sha256", runPath) : null;
        if (model != null && options.Model != null && model != options.Model.Sha256)
            throw new EvalDataException(EvalDataErrorKind.ResumeMismatch,
                $"the earlier run used the model with checksum listing SHA-256 {model}; {options.Model.Path} has {options.Model.Sha256}.", runPath);
    }

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>Writes a sibling temporary file, then renames it over the target (no half-written metrics).</summary>
    internal static void WriteText(string path, string text) => ReportFile.WriteText(path, text);
}
