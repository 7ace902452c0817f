using TorchSharp;

namespace DeltaMerge.Compute;

/// <summary>The TorchSharp device tensors are computed on, resolved from a <see cref="DeviceChoice"/>.</summary>
public sealed class ComputeDevice
{
    private ComputeDevice(torch.Device device, string description)
    {
        Device = device;
        Description = description;
    }

    /// <summary>The TorchSharp device.</summary>
    public torch.Device Device { get; }

    /// <summary>Human-readable name (<c>cpu</c>, <c>cuda:0 (NVIDIA H100)</c>).</summary>
    public string Description { get; }

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <summary>The CPU device.</summary>
    public static ComputeDevice Cpu => Resolve(DeviceChoice.Cpu);

    /// <summary>Resolves the user's choice. Loading TorchSharp's native backend happens here, at first use.</summary>
    /// <exception cref="DeviceUnavailableException">CUDA was requested but is not usable, or the native backend failed to load.</exception>
    public static ComputeDevice Resolve(DeviceChoice choice)
    {
        bool cuda;
        try
        {
            cuda = choice != DeviceChoice.Cpu && torch.cuda.is_available();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException)
        {
            throw new DeviceUnavailableException(
                "TorchSharp's native library could not be loaded: " + e.Message +
                " (see docs/torchsharp-native.md; the build patches libLibTorchSharp.so for older libstdc++ automatically).", e);
        }
        if (choice == DeviceChoice.Cuda && !cuda)
            throw new DeviceUnavailableException(
                "--device cuda was requested, but CUDA is not available: this build references " + BackendPackage +
                (BackendPackage.Contains("cuda", StringComparison.Ordinal) ? " and no usable NVIDIA GPU/driver was found." :
                    ", which has no CUDA support. Rebuild with -p:TorchBackend=cuda (TorchSharp-cuda-linux) on a machine with an NVIDIA driver; see docs/cuda.md.") +
                " Use --device cpu or --device auto.");
        if (cuda) return new ComputeDevice(torch.CUDA, $"cuda:0 ({torch.cuda.device_count()} device(s))");
        torch.InitializeDeviceType(DeviceType.CPU);
        return new ComputeDevice(torch.CPU, "cpu");
    }

    /// <summary>The TorchSharp package this build was compiled against (from the assembly metadata).</summary>
    public static string BackendPackage =>
        typeof(ComputeDevice).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TorchBackendPackage")?.Value ?? "TorchSharp-cpu";
}
