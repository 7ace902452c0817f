using DeltaMerge.Eval.Data;
using DeltaMerge.Formats;
using DeltaMerge.Runtime;

namespace DeltaMerge.Fuzz;

/// <summary>
/// The contract every target must keep: an input either parses or raises the layer's own data exception (which carries
/// an error kind); any other exception escapes and is a finding. Memory is bounded too: a parser that allocates far
/// more than the input could justify trusted a size field it should have checked first. Hangs are caught by the
/// driver (afl-fuzz -t).
/// </summary>
internal static class FuzzContract
{
    /// <summary>Allowance for fixed costs (a tokenizer's tables, JSON buffers) before the per-byte allowance.</summary>
    public const long FixedAllocationBytes = 32L << 20;

    /// <summary>Managed bytes a parser may allocate per input byte (a JSON tree costs a few dozen per byte).</summary>
    public const long AllocationBytesPerInputByte = 512;

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>; returns normally when the contract holds.</summary>
    /// <exception cref="ContractViolationException">More was allocated than the input could justify.</exception>
    public static void Run(FuzzTarget target, byte[] input)
    {
        long before = GC.GetTotalAllocatedBytes(precise: false);
        try
        {
            target.Parse(input);
        }
        catch (Exception e) when (IsDomainError(e))
        {
            // The documented refusal: an error kind the CLI maps to exit code 3.
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
        long limit = FixedAllocationBytes + AllocationBytesPerInputByte * input.Length;
        if (allocated > limit)
            throw new ContractViolationException($"{target.Name}: {allocated} bytes allocated for a {input.Length}-byte input (limit {limit}).");
    }

    /// <summary>The data exceptions of the layers under test.</summary>
    public static bool IsDomainError(Exception e) => e is CheckpointFormatException or EvalDataException or ModelLoadException;
}
