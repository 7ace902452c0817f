namespace DeltaMerge.Demo;

/// <summary>What fine-tuning produced.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Loss">Cross-entropy on the answer tokens at the last step (float32 weights).</param>
/// <param name="Margin">Smallest lead of a correct answer token over any other, with the weights rounded to fp16.</param>
/// <param name="Tensors">The fine-tuned weights rounded to fp16, in <see cref="SyntheticLlama.Tensors"/> order.</param>
public sealed record FineTuneResult(int Steps, float Loss, float Margin, IReadOnlyList<(string Name, byte[] F16)> Tensors);
