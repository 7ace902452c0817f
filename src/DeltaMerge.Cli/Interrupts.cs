using System.Runtime.InteropServices;

namespace DeltaMerge.Cli;

/// <summary>
/// Turns Ctrl-C and SIGTERM into cancellation, so the running job stops between chunks and removes its partial
/// output; a second Ctrl-C ends the process at once (the partial output stays hidden under its .partial name).
/// </summary>
public static class Interrupts
{
    private static readonly CancellationTokenSource Source = new();
    private static PosixSignalRegistration? _sigterm;
    private static int _count;

    /// <summary>Cancelled on the first interrupt.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>Installs the handlers (once, at start-up).</summary>
    public static void Install()
    {
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = Interlocked.Increment(ref _count) == 1;
            Source.Cancel();
        };
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Source.Cancel();
        });
    }
}
