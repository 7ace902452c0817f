namespace DeltaMerge.Cli;

/// <summary>
/// An interruption after which the output is deliberately kept (eval's predictions, for --resume), so the exit message
/// must not say the partial output was removed, as it does for merge and convert.
/// </summary>
public sealed class InterruptedKeepingOutputException(string message, Exception inner) : OperationCanceledException(message, inner);
