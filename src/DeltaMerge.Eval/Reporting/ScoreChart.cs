using System.Globalization;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Tasks;
using ScottPlot;

namespace DeltaMerge.Eval.Reporting;

/// <summary>
/// The reports' charts, drawn with ScottPlot and written as PNG and SVG of a fixed size: the suite's scores per task
/// beside the published LLaMA-7b and MT-LLaMA-7b figures, and one task's breakdown (accuracy by gold label for
/// classification, the spread of per-example F1 for QA). Same inputs, same bytes (one embedded font, no timestamps).
/// </summary>
public static class ScoreChart
{
    /// <summary>The suite chart's file name without extension (scores.png, scores.svg beside report.md).</summary>
    public const string SuiteName = "scores";

    /// <summary>A task chart's file name without extension (breakdown.png, breakdown.svg beside the task's report.md).</summary>
    public const string TaskName = "breakdown";

    /// <summary>Size of the suite chart in pixels.</summary>
    public static readonly (int Width, int Height) SuiteSize = (1000, 500);

    /// <summary>Size of a task chart in pixels.</summary>
    public static readonly (int Width, int Height) TaskSize = (640, 400);

    private static readonly Color LlamaColor = Color.FromHex("#9E9E9E");
    private static readonly Color MtLlamaColor = Color.FromHex("#4C78A8");
    private static readonly Color OursColor = Color.FromHex("#F58518");

    /// <summary>
    /// Writes the suite chart into <paramref name="directory"/>: one group of bars per task that has a result, in the
    /// model card's order (QA tasks by F1), each group LLaMA-7b, MT-LLaMA-7b (published) and this run.
    /// </summary>
    /// <returns>The files written, or null when there is no result to draw.</returns>
    public static ChartFiles? WriteSuite(string directory, IReadOnlyDictionary<EvalTask, EvalMetrics> results)
    {
        var tasks = TaskCatalog.All.Where(t => results.ContainsKey(t.Task)).ToList();
        if (tasks.Count == 0) return null;
        Plot plot = NewPlot("MT-LLaMA zero-shot evaluation: this run beside the published figures", "accuracy / F1 (%)");
        var bars = new List<Bar>();
        var ticks = new List<double>();
        for (int i = 0; i < tasks.Count; i++)
        {
            TaskSpec t = tasks[i];
            double x = i * 4;
            bars.Add(ScoreBar(x, Headline(t.PublishedLlama), LlamaColor));
            bars.Add(ScoreBar(x + 1, Headline(t.PublishedMtLlama), MtLlamaColor));
            bars.Add(ScoreBar(x + 2, Headline(results[t.Task]), OursColor));
            ticks.Add(x + 1);
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. ticks], [.. tasks.Select(t => t.IsQa ? $"{t.DisplayName} (F1)" : t.DisplayName)]);
        plot.Axes.SetLimits(-1, tasks.Count * 4 - 1, 0, 110);
        plot.Legend.ManualItems.AddRange([Legend("LLaMA-7b (published)", LlamaColor), Legend("MT-LLaMA-7b (published)", MtLlamaColor), Legend("this run", OursColor)]);
        plot.ShowLegend(Edge.Bottom); // below the axes, never over a bar
        plot.Legend.Orientation = Orientation.Horizontal;
        return Write(plot, directory, SuiteName, SuiteSize);
    }

    /// <summary>
    /// Writes one task's chart into <paramref name="directory"/>: for classification the accuracy on the examples of each
    /// gold label (so a model that always answers one class shows it at once), for QA how many examples scored F1 0,
    /// below 0.5, below 1 and 1.
    /// </summary>
    /// <param name="directory">Where the chart files go.</param>
    /// <param name="metrics">The task's metrics (which task).</param>
    /// <param name="data">The examples' gold labels; needed for classification, unused for QA.</param>
    /// <param name="records">The predictions, with their example indices.</param>
    public static ChartFiles WriteTask(string directory, EvalMetrics metrics, EvalDataset? data, IReadOnlyList<PredictionRecord> records)
    {
        TaskSpec t = metrics.Task;
        return t.IsQa ? WriteQa(directory, t, records)
            : WriteClassification(directory, t, data ?? throw new ArgumentNullException(nameof(data), "a classification chart needs the gold labels"), records);
    }

    private static ChartFiles WriteClassification(string directory, TaskSpec t, EvalDataset data, IReadOnlyList<PredictionRecord> records)
    {
        Plot plot = NewPlot($"{t.DisplayName}: accuracy by gold label (n={records.Count})", "accuracy (%)");
        var gold = data.Examples.ToDictionary(e => e.Index, e => e.Gold);
        var labels = t.ClassNames;
        var bars = new List<Bar>();
        for (int c = 0; c < labels.Count; c++)
        {
            var ofClass = records.Where(r => gold[r.Index] == c).ToList();
            int correct = ofClass.Count(r => r.Correct == true);
            double accuracy = ofClass.Count == 0 ? 0 : 100.0 * correct / ofClass.Count;
            var bar = ScoreBar(c, accuracy, OursColor);
            bar.Label = $"{correct}/{ofClass.Count}";
            bars.Add(bar);
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, labels.Count).Select(c => (double)c)], [.. labels]);
        plot.Axes.SetLimits(-0.6, labels.Count - 0.4, 0, 110);
        return Write(plot, directory, TaskName, TaskSize);
    }

    private static ChartFiles WriteQa(string directory, TaskSpec t, IReadOnlyList<PredictionRecord> records)
    {
        Plot plot = NewPlot($"{t.DisplayName}: examples by F1 (n={records.Count})", "examples");
        string[] buckets = ["F1 = 0", "0 < F1 < 0.5", "0.5 ≤ F1 < 1", "F1 = 1"];
        int[] counts = new int[buckets.Length];
        foreach (var r in records)
        {
            double f1 = r.F1 ?? 0;
            counts[f1 <= 0 ? 0 : f1 < 0.5 ? 1 : f1 < 1 ? 2 : 3]++;
        }
        var bars = counts.Select((n, i) =>
        {
            var bar = ScoreBar(i, n, OursColor);
            bar.Label = n.ToString(CultureInfo.InvariantCulture);
            return bar;
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([0, 1, 2, 3], buckets);
        plot.Axes.SetLimits(-0.6, buckets.Length - 0.4, 0, Math.Max(1, counts.Max()) * 1.15);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return Write(plot, directory, TaskName, TaskSize);
    }

    private static Plot NewPlot(string title, string yLabel)
    {
        ChartFont.Register();
        var plot = new Plot();
        plot.Font.Set(ChartFont.Name);
        plot.Legend.FontName = ChartFont.Name;
        plot.Title(title, 16);
        plot.YLabel(yLabel, 14);
        return plot;
    }

    private static Bar ScoreBar(double position, double value, Color color) => new()
    {
        Position = position,
        Value = value,
        FillColor = color,
        Label = value.ToString("0.0", CultureInfo.InvariantCulture),
    };

    private static LegendItem Legend(string text, Color color) => new() { LabelText = text, FillColor = color };

    /// <summary>The one figure a chart shows per task: accuracy, or F1 for QA.</summary>
    private static double Headline(PublishedScore p) => p.Accuracy ?? p.F1 ?? 0;

    private static double Headline(EvalMetrics m) => m.Accuracy ?? m.F1 ?? 0;

    /// <summary>Renders both images, then writes each through a sibling temporary file renamed into place.</summary>
    private static ChartFiles Write(Plot plot, string directory, string name, (int Width, int Height) size)
    {
        byte[] png = plot.GetImageBytes(size.Width, size.Height, ImageFormat.Png);
        string svg = SvgIds.Renumber(plot.GetSvgXml(size.Width, size.Height));
        var files = new ChartFiles(name + ".png", name + ".svg");
        ReportFile.Write(Path.Combine(directory, files.Png), png);
        ReportFile.Write(Path.Combine(directory, files.Svg), System.Text.Encoding.UTF8.GetBytes(svg));
        return files;
    }
}
