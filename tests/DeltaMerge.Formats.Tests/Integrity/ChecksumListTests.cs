using DeltaMerge.Formats;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Integrity;

public sealed class ChecksumListTests
{
    private TempDirectory _temp = null!;
    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private string Write(string text)
    {
        string path = _temp.Sub(Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void ParsesSha256SumAndMd5ChecklistFormats()
    {
        string sha = new string('a', 64), md5 = new string('b', 32);
        var list = ChecksumList.Load([Write($"{sha}  model.bin\n{sha.ToUpperInvariant()} *./dir/x.bin\n"), Write($"{md5}  consolidated.00.pth\r\n\n")]);
        Assert.That(list.Names, Is.EquivalentTo(new[] { "model.bin", "dir/x.bin", "consolidated.00.pth" }));
        Assert.That(list.For("dir/x.bin").Single().Hex, Is.EqualTo(sha));
        Assert.That(list.For("consolidated.00.pth").Single().Algorithm, Is.EqualTo(HashAlgorithmKind.Md5));
        Assert.That(list.NeedsMd5("consolidated.00.pth"), Is.True);
        Assert.That(list.NeedsMd5("model.bin"), Is.False);
    }

    [Test]
    public void KeepsBothAlgorithmsForOneFile()
    {
        var list = ChecksumList.Load([Write($"{new string('a', 64)}  a.pth\n"), Write($"{new string('c', 32)}  a.pth\n")]);
        Assert.That(list.For("a.pth").Select(d => d.Algorithm), Is.EquivalentTo(new[] { HashAlgorithmKind.Sha256, HashAlgorithmKind.Md5 }));
    }

    [TestCase("abc  file")]
    [TestCase("zz" + "0000000000000000000000000000000000000000000000000000000000000000  file")]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000 file")]
    [TestCase("0000000000000000000000000000000000000000000000000000000000000000  ")]
    public void MalformedLinesNameTheLine(string line)
    {
        string path = Write("# comment\n" + line + "\n");
        var e = Assert.Throws<CheckpointFormatException>(() => ChecksumList.Load([path]))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.InvalidChecksumFile));
        Assert.That(e.Message, Does.Contain("line 2"));
        Assert.That(e.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void ContradictoryDigestsAreRejected()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => ChecksumList.Load([Write($"{new string('a', 64)}  f\n{new string('b', 64)}  f\n")]))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.InvalidChecksumFile));
    }
}
