using System.Diagnostics;
using System.Globalization;

namespace DeltaMerge.Cli;

/// <summary>
/// A one-line live progress bar on stderr for an evaluation (examples, rate, ETA), in <see cref="ProgressView"/>'s
/// style: drawn only when stderr is a terminal and not in --quiet or --json mode, at most ten times a second.
/// </summary>
public sealed class EvalProgressView : IProgress<(int Done, int Total)>, IDisposable
{
    private const int BarWidth = 24;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _enabled;
    private readonly string _label;
    private long _lastDrawMs = -1000;
    private int _first = -1;
    private bool _drawn;

    /// <summary>Creates the view for the task <paramref name="label"/>; it draws nothing unless enabled and stderr is a terminal.</summary>
    public EvalProgressView(bool enabled, string label)
    {
        _enabled = enabled && !Console.IsErrorRedirected;
        _label = label;
    }

    /// <inheritdoc />
    public void Report((int Done, int Total) value)
    {
        if (!_enabled) return;
        if (_first < 0) _first = value.Done; // resumed examples do not count towards the rate
        long now = _clock.ElapsedMilliseconds;
        bool done = value.Done >= value.Total;
        if (!done && now - _lastDrawMs < 100) return;
        _lastDrawMs = now;
        double fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
        double rate = (value.Done - _first) / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        string eta = rate > 0 && !done ? TimeSpan.FromSeconds((value.Total - value.Done) / rate).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        int filled = (int)Math.Round(fraction * BarWidth);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction,4:P0}  {value.Done}/{value.Total} examples  {rate:0.00}/s  ETA {eta}");
        Console.Error.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 110) : 110));
        _drawn = true;
    }

    /// <summary>Ends the line so later output starts fresh.</summary>
    public void Dispose()
    {
        if (_drawn) Console.Error.WriteLine();
        _drawn = false;
    }
}
