using TorchSharp;
using TorchSharp.Modules;

namespace DeltaMerge.Runtime.Modules;

/// <summary>Creates parameters the loader fills: allocated once, uninitialized (no random init to pay for or to double memory).</summary>
internal static class Weights
{
    public static Parameter Empty(long[] shape, torch.ScalarType dtype, torch.Device device) =>
        new(torch.empty(shape, dtype, device).DetachFromDisposeScope(), requires_grad: false);

    /// <summary>The weight in <paramref name="dtype"/>: itself when it already is, else a converted temporary the caller disposes.</summary>
    public static torch.Tensor As(Parameter weight, torch.ScalarType dtype) =>
        weight.dtype == dtype ? weight.alias() : weight.to(dtype);
}
