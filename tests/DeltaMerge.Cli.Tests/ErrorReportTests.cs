using DeltaMerge.Cli.Commands;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Cli.Tests;

/// <summary>The exit code, kind and message each failure maps to, where a process test cannot reach the case cheaply.</summary>
public sealed class ErrorReportTests
{
    [Test]
    public void InterruptedEvalSaysOneTrueThing()
    {
        // eval keeps its predictions for --resume, so its exit message must not claim the output was removed.
        var e = Assert.Throws<InterruptedKeepingOutputException>(() => EvalCommand.RunKeepingPartial<int>(() => throw new OperationCanceledException()));
        var (code, kind, message) = ErrorReport.Classify(e!);
        Assert.That((code, kind), Is.EqualTo((ExitCodes.Cancelled, "cancelled")));
        Assert.That(message, Does.Contain("kept").And.Contain("--resume").And.Not.Contain("removed"));
    }

    [Test]
    public void InterruptedMergeSaysThePartialOutputWasRemoved()
    {
        var (code, _, message) = ErrorReport.Classify(new OperationCanceledException());
        Assert.That(code, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(message, Does.Contain("removed"));
    }

    [Test]
    public void IoFaultsHaveTheirOwnKinds()
    {
        Assert.That(ErrorReport.Classify(new OutputLockedException("/o", new IOException())).Kind, Is.EqualTo("output_locked"));
        Assert.That(ErrorReport.Classify(new InputChangedException("/i", 10, 5)).Kind, Is.EqualTo("input_changed"));
        Assert.That(ErrorReport.Classify(new NotRegularFileException("/f")).Kind, Is.EqualTo("not_a_regular_file"));
        foreach (var e in new IOException[] { new OutputLockedException("/o", new IOException()), new InputChangedException("/i", 10, 5), new NotRegularFileException("/f") })
            Assert.That(ErrorReport.Classify(e).ExitCode, Is.EqualTo(ExitCodes.IOFailure), e.GetType().Name);
    }
}
