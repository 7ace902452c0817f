using DeltaMerge.Compute;

namespace DeltaMerge.Runtime;

/// <summary>How <see cref="LlamaRuntime.Load"/> places and stores the model.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Where to run: <see cref="DeviceChoice.Auto"/> uses CUDA when this build and the machine have it.</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>
    /// The type activations are computed in. Null: float32 on CPU, float16 on CUDA. Float32 on the CPU is the exact
    /// kernel path: weights stay as stored (memory-mapped f16/bf16/f32, or Q8_0 blocks) and every product is float32.
    /// RMSNorm statistics, rotary angles and the softmax are float32 whatever this says, as in transformers.
    /// </summary>
    public RuntimeDType? ComputeDType { get; init; }

    /// <summary>
    /// The type weights are kept in memory on the libtorch path (CUDA, or 16-bit compute); the kernel path keeps them
    /// as stored and ignores this. Null: the compute type. A narrower type than the compute type
    /// (float16 weights, float32 compute) halves memory (a 7B model in ~13.5 GB); each weight is then converted when its
    /// layer runs, one matrix at a time.
    /// </summary>
    public RuntimeDType? WeightDType { get; init; }

    /// <summary>
    /// Threads the CPU kernels and libtorch use. Null: the machine's logical processors.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Kernel path: row counts up to which projections use the matrix-vector kernels instead of widening weights for
    /// libtorch's GEMM. Null: <see cref="LlamaRuntime.DecodeRowLimit"/> (the measured crossover; scripts/bench/crossover).
    /// </summary>
    public int? DecodeRowLimit { get; init; }
}
