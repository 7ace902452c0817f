namespace DeltaMerge.Demo;

/// <summary>How the demo fine-tunes its base: Adam on the prompts' answer tokens until every answer survives fp16.</summary>
public sealed record FineTuneOptions
{
    /// <summary>torch.manual_seed before training (the training itself draws nothing random; this pins it anyway).</summary>
    public long Seed { get; init; } = 20240601;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Most optimizer steps; training stops earlier once <see cref="Margin"/> is reached.</summary>
    public int MaxSteps { get; init; } = 600;

    /// <summary>Steps between two checks of the margin.</summary>
    public int CheckEvery { get; init; } = 10;

    /// <summary>
    /// Smallest lead, in logits, of each correct answer token over every other token, measured with the weights
    /// rounded to fp16: a lead this large keeps greedy decoding on the answer through fp16 storage and the merge's
    /// last-bit differences.
    /// </summary>
    public float Margin { get; init; } = 1.0f;

    /// <summary>
    /// libtorch threads while training: fixed (not the machine's core count), so libtorch splits every parallel
    /// reduction the same way and the floating-point sums run in the same order on every run.
    /// </summary>
    public int Threads { get; init; } = 2;
}
