using DeltaMerge.Eval.Reporting;
using DeltaMerge.Eval.Running;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>The report charts from given metrics (no model): sizes, text drawn with the embedded font, same bytes each time.</summary>
public sealed class ScoreChartTests
{
    private static Dictionary<EvalTask, EvalMetrics> Results(double copa) => new()
    {
        [EvalTask.Copa] = new EvalMetrics { Task = EvalFixtures.Task("copa"), Mode = EvalMode.Generate, N = 4, Accuracy = copa, Fallbacks = 0 },
        [EvalTask.Squad] = new EvalMetrics { Task = EvalFixtures.Task("squad"), Mode = EvalMode.Generate, N = 2, F1 = 40, ExactMatch = 25, Fallbacks = 0 },
    };

    [Test]
    public void SuiteChartIsAPngAndAnSvgOfTheSuiteSize()
    {
        using var temp = new TempDirectory();
        var files = ScoreChart.WriteSuite(temp.Path, Results(75))!;
        Assert.That(files, Is.EqualTo(new ChartFiles("scores.png", "scores.svg")));
        ChartAssert.IsPng(Path.Combine(temp.Path, files.Png), 1000, 500);
        var svg = ChartAssert.IsSvg(Path.Combine(temp.Path, files.Svg), 1000, 500);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").ToList();
        Assert.That(texts.Select(t => t.Attribute("font-family")?.Value).Distinct(), Is.EqualTo(new[] { "DejaVu Sans" }),
            "every text uses the embedded typeface (asked for by a name no system font has, so nothing else could answer)");
        Assert.That(texts, Has.Count.GreaterThan(10), "titles, ticks, bar values and legend are drawn as text");
    }

    [Test]
    public void TheSameScoresGiveTheSameBytesAndOtherScoresOtherBytes()
    {
        using var temp = new TempDirectory();
        (byte[] Png, byte[] Svg) Render(string sub, double copa)
        {
            string dir = temp.Sub(sub);
            Directory.CreateDirectory(dir);
            ScoreChart.WriteSuite(dir, Results(copa));
            return (File.ReadAllBytes(Path.Combine(dir, "scores.png")), File.ReadAllBytes(Path.Combine(dir, "scores.svg")));
        }
        var a = Render("a", 75);
        var c = Render("c", 25);
        // Drawn after other charts in the same process: Skia's process-wide SVG id counter has moved on.
        var b = Render("b", 75);
        Assert.That(b.Png, Is.EqualTo(a.Png));
        Assert.That(b.Svg, Is.EqualTo(a.Svg));
        Assert.That(c.Png, Is.Not.EqualTo(a.Png));
        Assert.That(c.Svg, Is.Not.EqualTo(a.Svg));
    }

    [Test]
    public void NoResultsNoChart()
    {
        using var temp = new TempDirectory();
        Assert.That(ScoreChart.WriteSuite(temp.Path, new Dictionary<EvalTask, EvalMetrics>()), Is.Null);
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty);
    }

    [Test]
    public void SuiteReportEmbedsItsChart()
    {
        using var temp = new TempDirectory();
        EvalReport.WriteSuite(temp.Path, Results(75), []);
        string report = File.ReadAllText(Path.Combine(temp.Path, "report.md"));
        Assert.That(report, Does.Contain("![Scores per task"));
        ChartAssert.ChartIsLinked(temp.Path, "scores", ScoreChart.SuiteSize, report);
    }
}
