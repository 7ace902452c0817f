using TorchSharp;
using DeltaMerge.Compute;

namespace DeltaMerge.Pipeline.Tests;

/// <summary>Proves the native backend loads on this machine (the build's libstdc++ fix) and computes.</summary>
public sealed class TorchSharpLoadsTests
{
    [Test]
    public void CpuDeviceResolvesAndAddsHalfPrecisionLikePyTorch()
    {
        var device = ComputeDevice.Resolve(DeviceChoice.Cpu);
        Assert.That(device.Description, Is.EqualTo("cpu"));
        using var a = torch.tensor(new float[] { 1f, 2048f, 0.5f }).to(torch.float16);
        using var b = torch.tensor(new float[] { 2f, 1f, 0.25f }).to(torch.float16);
        using var sum = (a.to(torch.float32) + b.to(torch.float32)).to(torch.float16);
        // 2048 + 1 = 2049 is a tie between 2048 and 2050 in fp16; round-to-nearest-even gives 2048.
        Assert.That(sum.to(torch.float32).data<float>().ToArray(), Is.EqualTo(new[] { 3f, 2048f, 0.75f }));
    }

    [Test]
    public void BytesSpanOfACpuTensorIsItsStorage()
    {
        using var t = torch.zeros(4, dtype: torch.float16);
        var span = t.bytes;
        span[1] = 0x3C; // fp16 1.0 = 0x3C00, little-endian
        Assert.That(t[0].to(torch.float32).item<float>(), Is.EqualTo(1f));
    }

    [Test]
    public void CudaRequestFailsClearlyWithoutCuda()
    {
        if (torch.cuda.is_available()) Assert.Ignore("CUDA is present here.");
        var e = Assert.Throws<DeviceUnavailableException>(() => ComputeDevice.Resolve(DeviceChoice.Cuda))!;
        Assert.That(e.Message, Does.Contain("--device cuda"));
        Assert.That(ComputeDevice.Resolve(DeviceChoice.Auto).IsCuda, Is.False);
    }
}
