namespace DeltaMerge.Fuzz;

/// <summary>One parser of untrusted bytes, fed a whole input at a time.</summary>
/// <param name="Name">The name scripts/fuzz and the corpus folders use (tests/fuzz-corpus/NAME).</param>
/// <param name="Parse">Parses the input the way the product reads such a file.</param>
internal sealed record FuzzTarget(string Name, Action<byte[]> Parse);
