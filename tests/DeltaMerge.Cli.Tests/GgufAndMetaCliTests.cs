using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>GGUF output, convert, and Meta inputs through the command line: files written, bad inputs refused cleanly.</summary>
public sealed class GgufAndMetaCliTests
{
    private TempDirectory _temp = null!;
    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private void AssertNothingLeft(params string[] except)
    {
        var left = Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Where(n => !except.Contains(n)).ToList();
        Assert.That(left, Is.Empty, "nothing left behind");
    }

    [Test]
    public void MergeToGgufWritesTheFileAndItsChecksum()
    {
        string output = _temp.Sub("mt.gguf");
        var r = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-meta"), "--delta", RepoPaths.Tiny("delta"), "--out", output, "--dtype", "q8_0",
            "--base-checksums", RepoPaths.Tiny("base-meta/checklist.chk"), "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("report").GetProperty("dtype").GetString(), Is.EqualTo("q8_0"));
        Assert.That(File.ReadAllText(output + ".sha256"), Is.EqualTo(Formats.Integrity.Sha256Sums.HashFile(output) + "  mt.gguf\n"));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "mt.gguf", "mt.gguf.sha256" }));
        var inspect = CliProcess.Run("inspect", output);
        Assert.That(inspect.Stdout, Does.Contain("general.file_type: 7").And.Contain("token_embd.weight").And.Contain("Q8_0"));
        var again = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-meta"), "--delta", RepoPaths.Tiny("delta"), "--out", output);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Usage), "an existing GGUF is not replaced without --force");
    }

    [Test]
    public void Q8OnlyWithGguf()
    {
        var r = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-bin"), "--delta", RepoPaths.Tiny("delta"), "--out", _temp.Sub("x"), "--dtype", "q8_0");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Stderr, Does.Contain("--format gguf"));
        AssertNothingLeft();
    }

    [TestCase("truncated", "GgufDataPastEnd")]
    [TestCase("bad-magic", "GgufBadMagic")]
    [TestCase("absurd-count", "GgufCountTooLarge")]
    public void DamagedGgufIsRejectedWithASpecificError(string damage, string kind)
    {
        string good = _temp.Sub("good.gguf");
        Assert.That(CliProcess.Run("convert", "--model", RepoPaths.Tiny("base-safetensors"), "--out", good).ExitCode, Is.Zero);
        byte[] bytes = File.ReadAllBytes(good);
        switch (damage)
        {
            case "truncated": bytes = bytes[..^500]; break;
            case "bad-magic": bytes[0] = (byte)'X'; break;
            case "absurd-count": BitConverter.GetBytes(1L << 40).CopyTo(bytes, 8); break;
        }
        string bad = _temp.Sub("bad.gguf");
        File.WriteAllBytes(bad, bytes);
        var r = CliProcess.Run("convert", "--model", bad, "--out", _temp.Sub("out"), "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Stderr);
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("invalid_input." + kind));
        Assert.That(r.Stderr, Does.Contain("bad.gguf").And.Not.Contain("   at "));
        AssertNothingLeft("good.gguf", "good.gguf.sha256", "bad.gguf");
        var inspect = CliProcess.Run("inspect", bad);
        Assert.That(inspect.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
    }

    [Test]
    public void MetaDirectoryWithoutParamsJsonIsRejected()
    {
        string meta = _temp.CopyOf(RepoPaths.Tiny("base-meta"), "meta");
        File.Delete(Path.Combine(meta, "params.json"));
        var r = CliProcess.Run("merge", "--base", meta, "--delta", RepoPaths.Tiny("delta"), "--out", _temp.Sub("out"), "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("invalid_input.MetaParamsMissing"));
        AssertNothingLeft("meta");
    }

    [Test]
    public void MetaDirectoryWithAShardMissingIsRejected()
    {
        string meta = _temp.CopyOf(RepoPaths.Tiny("base-meta-mp2"), "meta");
        File.Delete(Path.Combine(meta, "consolidated.01.pth"));
        var r = CliProcess.Run("convert", "--model", meta, "--out", _temp.Sub("out.gguf"), "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("consolidated.01.pth"));
        AssertNothingLeft("meta");
    }

    [Test]
    public void MetaChecklistMismatchAbortsTheMerge()
    {
        string meta = _temp.CopyOf(RepoPaths.Tiny("base-meta"), "meta");
        File.WriteAllText(Path.Combine(meta, "checklist.chk"), File.ReadAllText(Path.Combine(meta, "checklist.chk")).Replace("26c925c2", "00000000"));
        var r = CliProcess.Run("merge", "--base", meta, "--delta", RepoPaths.Tiny("delta"), "--out", _temp.Sub("out"), "--base-checksums", Path.Combine(meta, "checklist.chk"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.ChecksumMismatch), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("MD5 mismatch").And.Contain("consolidated.00.pth"));
        AssertNothingLeft("meta");
    }
}
