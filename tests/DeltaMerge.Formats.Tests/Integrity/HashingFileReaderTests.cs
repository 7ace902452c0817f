using System.Security.Cryptography;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Integrity;

public sealed class HashingFileReaderTests
{
    private TempDirectory _temp = null!;
    private string _file = null!;
    private byte[] _bytes = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _bytes = new byte[1_000_000];
        new Random(7).NextBytes(_bytes);
        _file = _temp.Sub("data.bin");
        File.WriteAllBytes(_file, _bytes);
    }

    [TearDown] public void TearDown() => _temp.Dispose();

    private byte[] Read(HashingFileReader r, int offset, int length)
    {
        var buffer = new byte[length];
        r.ReadExactly(offset, buffer);
        Assert.That(buffer, Is.EqualTo(_bytes.AsSpan(offset, length).ToArray()), $"bytes at {offset}");
        return buffer;
    }

    private void AssertDigests(FileDigests d)
    {
        Assert.That(d.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(_bytes))));
        Assert.That(d.Length, Is.EqualTo(_bytes.Length));
    }

    [Test]
    public void SequentialReadsAreHashedOnceWithNoRereads()
    {
        using var r = new HashingFileReader(_file, computeMd5: true);
        for (int o = 0; o < _bytes.Length; o += 100_000) Read(r, o, 100_000);
        var d = r.Finish();
        AssertDigests(d);
        Assert.That(d.Md5, Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(_bytes))));
        Assert.That(d.RereadBytes, Is.Zero);
    }

    [Test]
    public void OutOfOrderReadsWithinTheBudgetComeFromMemory()
    {
        using var r = new HashingFileReader(_file);
        Read(r, 0, 100_000);
        Read(r, 300_000, 100_000); // skips 100000..300000: read ahead and kept
        Read(r, 100_000, 200_000); // served from the kept bytes
        var d = r.Finish();        // hashes 400000..end
        AssertDigests(d);
        Assert.That(d.RereadBytes, Is.Zero);
    }

    [Test]
    public void FarAheadReadsAreHashedLaterAndCountedAsRereads()
    {
        using var r = new HashingFileReader(_file, readAheadBudget: 1000);
        Read(r, 900_000, 100_000); // e.g. a zip directory at the end
        Read(r, 0, 500_000);
        var d = r.Finish();
        AssertDigests(d);
        Assert.That(d.RereadBytes, Is.EqualTo(100_000));
    }

    [Test]
    public void SmallReadsAheadNeverTriggerACatchUp()
    {
        using var r = new HashingFileReader(_file);
        Read(r, 500_000, 30);      // a zip local header in the middle of the file
        Assert.That(r.HashedBytes, Is.Zero);
        Read(r, 0, 1_000_000);
        Assert.That(r.Finish().RereadBytes, Is.EqualTo(30));
    }

    [Test]
    public void ReadsPastTheEndFailAndFinishIsFinal()
    {
        using var r = new HashingFileReader(_file);
        Assert.Throws<EndOfStreamException>(() => r.ReadExactly(_bytes.Length - 10, new byte[11]));
        AssertDigests(r.Finish());
        Assert.That(r.Finish(), Is.SameAs(r.Finish()));
        Assert.Throws<InvalidOperationException>(() => r.ReadExactly(0, new byte[1]));
    }
}
