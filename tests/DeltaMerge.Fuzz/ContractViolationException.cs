namespace DeltaMerge.Fuzz;

/// <summary>A parser broke the fuzzing contract in a way that is not an exception of its own (e.g. allocated too much).</summary>
internal sealed class ContractViolationException(string message) : Exception(message);
