using System.Text.Json;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Pickle;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>Real torch.save files from scripts/fixtures/torch_pickles.py, checked against the JSON written beside them.</summary>
public sealed class TorchZipFixtureTests
{
    private static string FixtureDir()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "pickle");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures/pickle not found above the test directory");
    }

    private sealed class RecordingByteReader(IByteReader inner, List<(long Offset, int Length)> reads) : IByteReader
    {
        public string FilePath => inner.FilePath;

        public long Length => inner.Length;

        public void ReadExactly(long offset, Span<byte> destination)
        {
            reads.Add((offset, destination.Length));
            inner.ReadExactly(offset, destination);
        }

        public void Dispose() => inner.Dispose();
    }

    private static string Fixture(string name) => Path.Combine(FixtureDir(), name);

    [TestCase("dtypes", "dtypes")]
    [TestCase("views", "views")]
    [TestCase("module", "module")]
    [TestCase("protocol4", "protocol4")]
    [TestCase("zip64", "dtypes")]
    public void FixtureParsesToExpectedTensorsAndBytes(string fixture, string prefix)
    {
        using var reader = new FileByteReader(Fixture(fixture + ".pt"));
        TorchZipCheckpoint checkpoint = TorchZipCheckpoint.Read(reader);
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Fixture(fixture + ".json")));
        JsonElement[] tensors = expected.RootElement.GetProperty("tensors").EnumerateArray().ToArray();

        Assert.That(checkpoint.ArchivePrefix, Is.EqualTo(prefix));
        Assert.That(checkpoint.Tensors.Select(t => t.Name), Is.EqualTo(tensors.Select(t => t.GetProperty("name").GetString())));
        for (int i = 0; i < tensors.Length; i++)
        {
            TensorEntry entry = checkpoint.Tensors[i];
            JsonElement want = tensors[i];
            Assert.That(entry.DType, Is.EqualTo(Enum.Parse<DType>(want.GetProperty("dtype").GetString()!)), entry.Name);
            Assert.That(entry.Shape, Is.EqualTo(want.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()), entry.Name);
            Assert.That(entry.FilePath, Is.EqualTo(reader.FilePath));
            var bytes = new byte[entry.ByteLength];
            reader.ReadExactly(entry.Offset, bytes);
            Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo(want.GetProperty("hex").GetString()), entry.Name);
        }
    }

    [Test]
    public void ViewsShareOneStorage()
    {
        using var reader = new FileByteReader(Fixture("views.pt"));
        Dictionary<string, TensorEntry> byName = TorchZipCheckpoint.ReadTensors(reader).ToDictionary(t => t.Name);

        long whole = byName["whole"].Offset;
        Assert.That(byName["reshaped"].Offset, Is.EqualTo(whole));
        Assert.That(byName["slice"].Offset, Is.EqualTo(whole + 3 * 4));
        Assert.That(byName["row"].Offset, Is.EqualTo(whole + 4 * 4));
        Assert.That(byName["scalar"].Shape, Is.Empty);
        Assert.That(byName["scalar"].ByteLength, Is.EqualTo(2));
        Assert.That(byName["empty"].ByteLength, Is.Zero);
    }

    [TestCase("dtypes")]
    [TestCase("views")]
    [TestCase("module")]
    [TestCase("zip64")]
    public void TensorBytesAreNeverRead(string fixture)
    {
        byte[] file = File.ReadAllBytes(Fixture(fixture + ".pt"));
        var reads = new List<(long Offset, int Length)>();
        var reader = new RecordingByteReader(new MemoryByteReader(file), reads);

        IReadOnlyList<TensorEntry> tensors = TorchZipCheckpoint.ReadTensors(reader);

        foreach (TensorEntry t in tensors)
            Assert.That(reads.Where(r => r.Offset < t.Offset + t.ByteLength && t.Offset < r.Offset + r.Length), Is.Empty, t.Name);
    }

    [Test]
    public void TransposedTensorIsRefused()
    {
        using var reader = new FileByteReader(Fixture("noncontiguous.pt"));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchZipCheckpoint.Read(reader))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.NonContiguousTensor));
        Assert.That(e.TensorName, Is.EqualTo("t"));
    }

    [Test]
    public void LegacyFormatIsRefused()
    {
        using var reader = new FileByteReader(Fixture("legacy.pt"));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchZipCheckpoint.Read(reader))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.LegacyTorchFormat));
    }
}
