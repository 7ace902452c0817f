namespace DeltaMerge.Pipeline.Plan;

/// <summary>An input tensor deliberately left out of the output, and why.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Side">Which input held it (<c>base</c>, <c>delta</c>, <c>target</c>).</param>
/// <param name="Reason">Why it is not written.</param>
public sealed record SkippedTensor(string Name, string Side, string Reason);
