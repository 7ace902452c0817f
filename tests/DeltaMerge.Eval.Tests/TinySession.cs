using DeltaMerge.Compute;
using DeltaMerge.Runtime;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>
/// One CPU session of <see cref="TinyModel"/> shared by every test class that runs the model (opened on first use, closed
/// after the namespace's last test). The classes that use it are NonParallelizable: a session runs one thing at a time.
/// </summary>
[SetUpFixture]
public sealed class TinySession
{
    private static readonly Lock Gate = new();
    private static TempDirectory? _temp;
    private static ModelSession? _session;
    private static string? _directory;

    /// <summary>The shared session.</summary>
    public static ModelSession Session
    {
        get
        {
            lock (Gate)
            {
                if (_session != null) return _session;
                _temp = new TempDirectory();
                _directory = TinyModel.Build(_temp);
                return _session = ModelSession.Open(_directory, new RuntimeOptions { Device = DeviceChoice.Cpu });
            }
        }
    }

    /// <summary>The directory the shared session was opened from.</summary>
    public static string Directory
    {
        get
        {
            _ = Session;
            return _directory!;
        }
    }

    [OneTimeTearDown]
    public void Close()
    {
        _session?.Dispose();
        _temp?.Dispose();
    }
}
