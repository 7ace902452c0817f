using System.Diagnostics;
using System.Globalization;
using DeltaMerge.Pipeline.Execution;

namespace DeltaMerge.Cli;

/// <summary>
/// A one-line live progress bar on stderr (tensors, bytes, throughput, ETA), drawn only when stderr is a terminal
/// and not in --quiet or --json mode; redraws at most ten times a second.
/// </summary>
public sealed class ProgressView : IProgress<MergeProgress>, IDisposable
{
    private const int BarWidth = 24;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _enabled;
    private long _lastDrawMs = -1000;
    private bool _drawn;

    /// <summary>Creates the view; it draws nothing unless <paramref name="enabled"/> and stderr is a terminal.</summary>
    public ProgressView(bool enabled) => _enabled = enabled && !Console.IsErrorRedirected;

    /// <inheritdoc />
    public void Report(MergeProgress value)
    {
        if (!_enabled) return;
        long now = _clock.ElapsedMilliseconds;
        bool done = value.BytesDone >= value.BytesTotal;
        if (!done && now - _lastDrawMs < 100) return;
        _lastDrawMs = now;
        double fraction = value.BytesTotal == 0 ? 1 : (double)value.BytesDone / value.BytesTotal;
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        double rate = value.BytesDone / seconds;
        string eta = rate > 0 && !done ? TimeSpan.FromSeconds((value.BytesTotal - value.BytesDone) / rate).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        int filled = (int)Math.Round(fraction * BarWidth);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction,4:P0}  {value.TensorsDone}/{value.TensorsTotal} tensors  {Bytes(value.BytesDone)}/{Bytes(value.BytesTotal)}  {Bytes((long)rate)}/s  ETA {eta}");
        Console.Error.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 110) : 110));
        _drawn = true;
    }

    /// <summary>Human-readable byte count.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1) { v /= 1000; u++; }
        return string.Create(CultureInfo.InvariantCulture, $"{v:0.##} {units[u]}");
    }

    /// <summary>Ends the line so later output starts fresh.</summary>
    public void Dispose()
    {
        if (_drawn) Console.Error.WriteLine();
    }
}
