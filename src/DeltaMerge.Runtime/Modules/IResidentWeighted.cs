using DeltaMerge.Runtime.Weights;

namespace DeltaMerge.Runtime.Modules;

/// <summary>A module whose weight, on the kernel path, is a <see cref="ResidentWeight"/> bound after construction rather than a parameter.</summary>
internal interface IResidentWeighted
{
    /// <summary>Whether the module waits for <see cref="Bind"/> (false: it has a parameter the loader fills).</summary>
    bool UsesResidentWeight { get; }

    /// <summary>The weight's shape as the checkpoint must store it.</summary>
    long[] WeightShape { get; }

    /// <summary>The bound weight (null before <see cref="Bind"/> or on the parameter path).</summary>
    ResidentWeight? Resident { get; }

    /// <summary>Gives the module its weight.</summary>
    void Bind(ResidentWeight weight);
}
