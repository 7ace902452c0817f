using System.Globalization;
using System.Text;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Reporting;

/// <summary>report.md: our figures beside the model card's MT-LLaMA-7b and LLaMA-7b numbers.</summary>
public static class EvalReport
{
    private const string Missing = "–";

    /// <summary>One task's report; <paramref name="chart"/> (its breakdown chart beside it) is shown when given.</summary>
    public static string ForTask(EvalMetrics metrics, EvalDataset data, EvalOptions options, bool limited, ChartFiles? chart = null) =>
        ForTask(metrics, data.Files, data.Format, data.Examples.Count, options, limited, chart);

    /// <summary>One task's report, from what run.json records of the data (eval-merge merges records, not data).</summary>
    public static string ForTask(EvalMetrics metrics, IReadOnlyList<string> files, DataFormat format, int examples, EvalOptions options, bool limited,
        ChartFiles? chart = null)
    {
        TaskSpec t = metrics.Task;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# {t.DisplayName}: zero-shot evaluation\n\n");
        string header = t.IsQa ? "F1 / EM (%)" : "accuracy (%)";
        sb.Append(CultureInfo.InvariantCulture, $"| model | {t.DisplayName} {header} |\n|---|---|\n");
        sb.Append(CultureInfo.InvariantCulture, $"| this run ({Lower(metrics.Mode)}, n={metrics.N}) | {Ours(metrics)} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| MT-LLaMA-7b (published) | {Published(t.PublishedMtLlama)} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| LLaMA-7b (published) | {Published(t.PublishedLlama)} |\n\n");
        string what = t.IsQa ? "outputs containing \"None\" (scored as an empty answer)" : "outputs with no label word (class 0 predicted)";
        if (t.Rule != ChoiceRule.QuickRatio || t.IsQa) sb.Append(CultureInfo.InvariantCulture, $"Fallbacks, {what}: {metrics.Fallbacks} of {metrics.N}.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Data: {string.Join(", ", files.Select(f => Path.GetFileName(f)))} ({format}, {examples} examples)\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Mode: {Lower(metrics.Mode)}; special tokens: {Lower(options.SpecialTokens)}; max new tokens: {options.MaxNewTokens}\n");
        if (limited) sb.Append("- Only the first examples were evaluated (--limit): not comparable with the published figures.\n");
        if (metrics.Mode == EvalMode.Rank) sb.Append("- Rank mode is T0-style scoring, not the authors' generate-and-match protocol behind the published figures.\n");
        if (options.Shard is { } shard) sb.Append(CultureInfo.InvariantCulture, $"- {ShardNote(shard)}\n");
        if (chart != null)
        {
            string shows = t.IsQa ? "examples by F1" : "accuracy by gold label";
            sb.Append(CultureInfo.InvariantCulture, $"\n## {char.ToUpperInvariant(shows[0])}{shows[1..]}\n\n").Append(chart.Markdown($"{t.DisplayName}: {shows}"));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Writes <paramref name="directory"/>/report.md for the suite, with its chart (<see cref="ScoreChart.WriteSuite"/>)
    /// written first beside it. Every path that produces a suite report goes through here, so each gets the chart.
    /// </summary>
    public static void WriteSuite(string directory, IReadOnlyDictionary<EvalTask, EvalMetrics> results, IReadOnlyList<string> notes)
    {
        Directory.CreateDirectory(directory);
        ChartFiles? chart = ScoreChart.WriteSuite(directory, results);
        ReportFile.WriteText(Path.Combine(directory, EvalRunner.ReportFileName), ForSuite(results, notes, chart));
    }

    /// <summary>
    /// The suite's report: the model card's two tables (QA F1/EM; classification accuracy) with a row for this run, and
    /// <paramref name="chart"/> (the same figures drawn) when given.
    /// </summary>
    public static string ForSuite(IReadOnlyDictionary<EvalTask, EvalMetrics> results, IReadOnlyList<string> notes, ChartFiles? chart = null)
    {
        var qa = TaskCatalog.All.Where(t => t.IsQa).ToList();
        var cls = TaskCatalog.All.Where(t => !t.IsQa).ToList();
        var sb = new StringBuilder("# MT-LLaMA zero-shot evaluation\n\n");
        if (chart != null) sb.Append(chart.Markdown("Scores per task: LLaMA-7b and MT-LLaMA-7b (published) and this run; accuracy, F1 for QA")).Append('\n');
        sb.Append("## Extractive QA (F1 / EM, %)\n\n");
        Table(sb, qa, results);
        sb.Append("\n## Classification (accuracy, %)\n\n");
        Table(sb, cls, results);
        sb.Append('\n');
        if (results.Values.Any(m => !m.Task.IsQa && m.Mode == EvalMode.Rank))
            sb.Append("Rank mode is T0-style scoring, not the authors' generate-and-match protocol behind the published figures.\n\n");
        foreach (string note in notes) sb.Append("- ").Append(note).Append('\n');
        return sb.ToString();
    }

    /// <summary>What a shard's report says of its figures.</summary>
    public static string ShardNote(Sharding.ShardSpec shard) =>
        $"Shard {shard}: these figures cover this shard's examples only; `deltamerge eval-merge` combines the shards into the run's figures.";

    private static void Table(StringBuilder sb, List<TaskSpec> tasks, IReadOnlyDictionary<EvalTask, EvalMetrics> results)
    {
        sb.Append("| model | ").Append(string.Join(" | ", tasks.Select(t => t.DisplayName))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(tasks.Select(_ => "---|"))).Append('\n');
        sb.Append("| LLaMA-7b (published) | ").Append(string.Join(" | ", tasks.Select(t => Published(t.PublishedLlama)))).Append(" |\n");
        sb.Append("| MT-LLaMA-7b (published) | ").Append(string.Join(" | ", tasks.Select(t => Published(t.PublishedMtLlama)))).Append(" |\n");
        sb.Append("| this run | ").Append(string.Join(" | ", tasks.Select(t => results.TryGetValue(t.Task, out var m) ? Ours(m) : Missing))).Append(" |\n");
        if (tasks.Any(t => results.ContainsKey(t.Task)))
            sb.Append("| n | ").Append(string.Join(" | ", tasks.Select(t => results.TryGetValue(t.Task, out var m) ? m.N.ToString(CultureInfo.InvariantCulture) : Missing))).Append(" |\n");
    }

    private static string Ours(EvalMetrics m) => m.Task.IsQa ? $"{F(m.F1)}/{F(m.ExactMatch)}" : F(m.Accuracy);

    private static string Published(PublishedScore p) => p.Accuracy is double a ? F(a) : $"{F(p.F1)}/{F(p.ExactMatch)}";

    private static string F(double? v) => v is double d ? d.ToString("0.0", CultureInfo.InvariantCulture) : Missing;

    private static string Lower(EvalMode mode) => mode.ToString().ToLowerInvariant();

    private static string Lower(SpecialTokens s) => s.ToString().ToLowerInvariant();
}
