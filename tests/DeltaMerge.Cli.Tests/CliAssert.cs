namespace DeltaMerge.Cli.Tests;

/// <summary>Assertions every error test makes about the program's output.</summary>
internal static class CliAssert
{
    /// <summary>A user's bad file or a fault is reported in one message: no .NET stack frame, no "Unexpected error".</summary>
    public static void NoStackTrace(CliProcess.Result r)
    {
        string all = r.Stdout + r.Stderr;
        Assert.That(all, Does.Not.Contain("   at "), "a stack trace was printed");
        Assert.That(all, Does.Not.Contain("Unexpected error"));
    }
}
