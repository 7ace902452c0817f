namespace DeltaMerge.Eval.Reporting;

/// <summary>A chart's two files, named relative to the report beside them (what report.md links to).</summary>
/// <param name="Png">The PNG's file name.</param>
/// <param name="Svg">The SVG's file name.</param>
public sealed record ChartFiles(string Png, string Svg)
{
    /// <summary>The Markdown that shows the PNG and links the SVG.</summary>
    public string Markdown(string description) => $"![{description}]({Png})\n\n[{Svg}]({Svg})\n";
}
