using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace DeltaMerge.Eval.Reporting;

/// <summary>
/// The one typeface every chart is drawn with: DejaVu Sans 2.37, embedded in this assembly (Fonts/, with its licence),
/// so a chart looks the same and has the same bytes on every machine, whatever fonts it has installed (CI images may
/// have none, and ScottPlot would otherwise take whichever font it detects). Every weight and slant maps to it.
/// </summary>
internal sealed class ChartFont : IFontResolver
{
    /// <summary>The family name charts ask for.</summary>
    public const string Name = "DeltaMerge Chart Sans";

    private static readonly Lock Gate = new();
    private static bool _registered;

    private readonly byte[] _ttf;

    private ChartFont(byte[] ttf) => _ttf = ttf;

    /// <summary>Adds the embedded font to ScottPlot's resolvers (once per process).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("DeltaMerge.Eval.Reporting.Fonts.DejaVuSans.ttf")
                ?? throw new InvalidOperationException("The chart font is not embedded in DeltaMerge.Eval.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Fonts.FontResolvers.Insert(0, new ChartFont(buffer.ToArray()));
            _registered = true;
        }
    }

    /// <summary>A new typeface for <see cref="Name"/> (ScottPlot may dispose what it is given); null for other names.</summary>
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        fontName == Name ? SKTypeface.FromData(SKData.CreateCopy(_ttf)) : null;

    /// <inheritdoc cref="CreateTypeface(string, FontWeight, FontSlant, FontSpacing)"/>
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        CreateTypeface(fontName, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
}
