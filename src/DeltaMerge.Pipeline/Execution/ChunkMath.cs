using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Plan;
using TorchSharp;

namespace DeltaMerge.Pipeline.Execution;

/// <summary>
/// The arithmetic of one chunk, exactly as MT-LLaMA's apply_delta in PyTorch: both operands are first rounded to fp16
/// (the authors loaded everything with torch_dtype=float16), zero rows stand in for the base's missing vocabulary rows,
/// the sum (or difference) is computed in float32 and rounded once to the output type (round-to-nearest-even).
/// </summary>
internal static class ChunkMath
{
    public static torch.Tensor Compute(TensorChunk chunk, torch.Device device)
    {
        var task = chunk.Task;
        if (task.Operation == TensorOperation.Convert)
        {
            // One rounding from the stored type, as torch's .to(dtype) does; no fp16 step.
            using var onDevice = chunk.Primary!.to(device);
            using var converted = onDevice.to(ToTorch(task.OutputDType));
            return converted.device_type == DeviceType.CPU ? converted.contiguous() : converted.cpu().contiguous();
        }
        if (CanAddInPlaceInHalf(chunk, device))
        {
            // fp16 + fp16 -> fp16 on the CPU: PyTorch's Half kernel converts to float, adds and rounds once, exactly
            // the general path below, and exactly apply_delta's `param.data += delta`; in place, with no temporaries.
            var primary = chunk.Primary!;
            chunk.Primary = null;
            // TorchSharp's in-place ops return the same object, so there is nothing else to dispose.
            if (task.Operation == TensorOperation.Add) primary.add_(chunk.Secondary!);
            else primary.sub_(chunk.Secondary!);
            return primary;
        }
        using var p = Operand(chunk.Primary, TensorTask.RowsOf(task.Primary), chunk, device);
        using var s = Operand(chunk.Secondary, TensorTask.RowsOf(task.Secondary!), chunk, device);
        using var combined = task.Operation == TensorOperation.Add ? p.add(s) : p.sub(s);
        using var rounded = combined.to(ToTorch(task.OutputDType));
        return rounded.device_type == DeviceType.CPU ? rounded.contiguous() : rounded.cpu().contiguous();
    }

    private static bool CanAddInPlaceInHalf(TensorChunk chunk, torch.Device device) =>
        device.type == DeviceType.CPU && chunk.Task.OutputDType == DType.F16
        && chunk.Task.Primary.DType == DType.F16 && chunk.Task.Secondary?.DType == DType.F16
        && chunk.Primary is { } p && chunk.Secondary is { } s && p.shape[0] == chunk.RowCount && s.shape[0] == chunk.RowCount;

    /// <summary>The operand's rows of this chunk as float32 on the device, zero rows beyond what the operand has.</summary>
    private static torch.Tensor Operand(torch.Tensor? rows, long operandRows, TensorChunk chunk, torch.Device device)
    {
        long present = Math.Clamp(operandRows - chunk.RowStart, 0, chunk.RowCount);
        long padding = chunk.RowCount - present;
        long rowElements = chunk.Task.RowElements;
        if (present == 0) return torch.zeros([padding, rowElements], torch.float32, device);
        using var onDevice = rows!.to(device);
        using var half = onDevice.to(torch.float16);
        var asFloat = half.to(torch.float32);
        if (padding == 0) return asFloat;
        using (asFloat)
        using (var zeros = torch.zeros([padding, rowElements], torch.float32, device))
            return torch.cat([asFloat, zeros], 0);
    }

    public static torch.ScalarType ToTorch(DType dtype) => dtype switch
    {
        DType.F16 => torch.float16,
        DType.BF16 => torch.bfloat16,
        DType.F32 => torch.float32,
        DType.F64 => torch.float64,
        DType.I8 => torch.int8,
        DType.U8 => torch.uint8,
        DType.I16 => torch.int16,
        DType.I32 => torch.int32,
        DType.I64 => torch.int64,
        DType.Bool => torch.@bool,
        _ => throw new NotSupportedException($"{dtype} has no TorchSharp element type here."),
    };
}
