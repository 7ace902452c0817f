namespace DeltaMerge.Cli;

/// <summary>Options that parse but do not fit together (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
