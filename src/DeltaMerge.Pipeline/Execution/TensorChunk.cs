using DeltaMerge.Pipeline.Plan;
using TorchSharp;

namespace DeltaMerge.Pipeline.Execution;

/// <summary>
/// Rows [<see cref="RowStart"/>, <see cref="RowStart"/> + <see cref="RowCount"/>) of one task: the operand rows read
/// from disk (null where the range lies wholly in an operand's zero padding), later the computed result.
/// </summary>
internal sealed class TensorChunk : IDisposable
{
    public required TensorTask Task { get; init; }
    public required long RowStart { get; init; }
    public required long RowCount { get; init; }
    public bool IsFirst => RowStart == 0;
    public bool IsLast => RowStart + RowCount == Task.Rows;
    public torch.Tensor? Primary { get; set; }
    public torch.Tensor? Secondary { get; set; }
    public torch.Tensor? Result { get; set; }

    public void Dispose()
    {
        Primary?.Dispose();
        Secondary?.Dispose();
        Result?.Dispose();
        Primary = Secondary = Result = null;
    }
}
