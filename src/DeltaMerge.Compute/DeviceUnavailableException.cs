namespace DeltaMerge.Compute;

/// <summary>The requested compute device cannot be used here.</summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
