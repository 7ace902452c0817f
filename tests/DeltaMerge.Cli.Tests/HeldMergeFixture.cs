using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// Base of the test classes that hold a merge: the <see cref="HeldMerge.InputShape"/> base and delta, written once per
/// class, and a fresh temporary directory per test.
/// </summary>
public abstract class HeldMergeFixture
{
    /// <summary>The class's inputs: <c>base</c> and <c>delta</c>.</summary>
    private protected TempDirectory Inputs { get; private set; } = null!;

    /// <summary>This test's temporary directory.</summary>
    private protected TempDirectory Temp { get; private set; } = null!;

    [OneTimeSetUp]
    public void MakeInputs()
    {
        Inputs = new TempDirectory();
        HeldMerge.WriteInputs(Inputs);
    }

    [OneTimeTearDown] public void RemoveInputs() => Inputs.Dispose();
    [SetUp] public void MakeTemp() => Temp = new TempDirectory();
    [TearDown] public void RemoveTemp() => Temp.Dispose();
}
