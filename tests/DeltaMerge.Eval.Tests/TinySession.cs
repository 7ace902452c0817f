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

    /// <summary>The shared session.</summary>
    public static ModelSession Session
    {
        get
        {
            lock (Gate)
            {
                if (_session != null) return _session;
                _temp = new TempDirectory();
                return _session = ModelSession.Open(TinyModel.Build(_temp), new RuntimeOptions { Device = DeviceChoice.Cpu });
            }
        }
    }

    [OneTimeTearDown]
    public void Close()
    {
        _session?.Dispose();
        _temp?.Dispose();
    }
}
