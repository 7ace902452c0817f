using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Fuzz.Tests;

/// <summary>
/// Every saved fuzz input (tests/fuzz-corpus/TARGET, the seeds and what AFL++ kept; tests/fuzz-regressions/TARGET, each
/// input that once broke the contract) still keeps it: it parses or raises the layer's own data exception, within the
/// allocation bound. One test case per input, so a regression names its file.
/// </summary>
public sealed class SavedInputTests
{
    private static string Corpus => Path.Combine(RepoPaths.Root, "tests", "fuzz-corpus");
    private static string Regressions => Path.Combine(RepoPaths.Root, "tests", "fuzz-regressions");

    private static IEnumerable<TestCaseData> Inputs(string root) =>
        from target in FuzzTargets.All
        let dir = Path.Combine(root, target.Name)
        where Directory.Exists(dir)
        from file in Replay.Inputs([dir])
        select new TestCaseData(target.Name, Path.GetRelativePath(root, file)).SetName($"{target.Name}: {Path.GetFileName(file)}");

    private static IEnumerable<TestCaseData> CorpusInputs() => Inputs(Corpus);
    private static IEnumerable<TestCaseData> RegressionInputs() => Inputs(Regressions);

    [TestCaseSource(nameof(CorpusInputs))]
    public void CorpusInputKeepsTheContract(string target, string file) =>
        FuzzContract.Run(FuzzTargets.Get(target), File.ReadAllBytes(Path.Combine(Corpus, file)));

    [TestCaseSource(nameof(RegressionInputs))]
    public void RegressionInputKeepsTheContract(string target, string file) =>
        FuzzContract.Run(FuzzTargets.Get(target), File.ReadAllBytes(Path.Combine(Regressions, file)));

    [Test]
    public void EveryTargetHasASeedCorpus()
    {
        foreach (var target in FuzzTargets.All)
            Assert.That(Replay.Inputs([Path.Combine(Corpus, target.Name)]), Is.Not.Empty, target.Name);
    }
}
