using DeltaMerge.Formats.IO;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.IO;

public sealed class AtomicOutputDirectoryTests
{
    private TempDirectory _temp = null!;
    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    [Test]
    public void NothingAppearsUntilCommit()
    {
        string final = _temp.Sub("out");
        using (var output = AtomicOutputDirectory.Create(final, force: false))
        {
            File.WriteAllText(output.PathOf("a.txt"), "a");
            Assert.That(Directory.Exists(final), Is.False);
            Assert.That(Path.GetFileName(output.TempPath), Does.StartWith(".out.partial-"));
            output.Commit();
        }
        Assert.That(File.ReadAllText(Path.Combine(final, "a.txt")), Is.EqualTo("a"));
        Assert.That(Directory.GetDirectories(_temp.Path), Has.Length.EqualTo(1));
    }

    [Test]
    public void AnOutputIsLockedUntilItsWriterEnds()
    {
        string final = _temp.Sub("out");
        using (AtomicOutputDirectory.Create(final, force: false))
        {
            Assert.Throws<OutputLockedException>(() => AtomicOutputDirectory.Create(final, force: true));
            Assert.Throws<OutputLockedException>(() => AtomicOutputFile.Create(final, force: true));
        }
        using (var again = AtomicOutputDirectory.Create(final, force: false)) again.Commit();
        Assert.That(Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "out" }), "no lock file left");
    }

    [Test]
    public void DisposeWithoutCommitRemovesEverything()
    {
        using (var output = AtomicOutputDirectory.Create(_temp.Sub("out"), force: false))
            File.WriteAllText(output.PathOf("a.txt"), "a");
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty);
    }

    [Test]
    public void ExistingOutputIsRefusedOrReplacedWhenForced()
    {
        string final = _temp.Sub("out");
        Directory.CreateDirectory(final);
        File.WriteAllText(Path.Combine(final, "old.txt"), "old");
        Assert.Throws<OutputExistsException>(() => AtomicOutputDirectory.Create(final, force: false));
        using (var output = AtomicOutputDirectory.Create(final, force: true))
        {
            File.WriteAllText(output.PathOf("new.txt"), "new");
            Assert.That(File.Exists(Path.Combine(final, "old.txt")), Is.True, "the old output stays until the new one is complete");
            output.Commit();
        }
        Assert.That(Directory.GetFiles(final).Select(Path.GetFileName), Is.EqualTo(new[] { "new.txt" }));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Has.Length.EqualTo(1));
    }
}
