using System.Text.Json;
using DeltaMerge.Formats;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>The merge command as users and pipelines run it: exit codes, messages, JSON, and nothing left behind on failure.</summary>
public sealed class MergeCliTests
{
    private TempDirectory _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private CliProcess.Result Merge(string basePath, string deltaPath, params string[] extra) =>
        CliProcess.Run(["merge", "--base", basePath, "--delta", deltaPath, "--out", _temp.Sub("out"), .. extra]);

    private void AssertFailedCleanly(CliProcess.Result r, int exitCode, params string[] messageParts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.Stderr);
        foreach (string part in messageParts) Assert.That(r.Stderr, Does.Contain(part));
        Assert.That(r.Stderr, Does.Not.Contain("   at "), "no stack trace without --verbose");
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False, "no output directory");
        Assert.That(Directory.GetDirectories(_temp.Path).Where(d => Path.GetFileName(d).Contains("partial")), Is.Empty, "no partial directory");
    }

    [Test]
    public void MergeWithJsonPrintsTheReport()
    {
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"), "--json", "--base-checksums", RepoPaths.Tiny("base-bin/SHA256SUMS"));
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(root.GetProperty("output").GetString(), Is.EqualTo(_temp.Sub("out")));
        var report = root.GetProperty("report");
        Assert.That(report.GetProperty("dtype").GetString(), Is.EqualTo("f16"));
        Assert.That(report.GetProperty("vocabulary").GetProperty("output_rows").GetInt64(), Is.EqualTo(385));
        Assert.That(report.GetProperty("tensors").GetArrayLength(), Is.EqualTo(21));
        var reportOnDisk = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Sub("out"), "merge-report.json")));
        Assert.That(reportOnDisk.RootElement.GetProperty("inputs").GetProperty("base").GetProperty("files").EnumerateArray()
            .Any(f => f.GetProperty("verified").EnumerateArray().Any(v => v.GetString() == "sha256")), Is.True);
    }

    [Test]
    public void VerifyAcceptsTheOutputAndCatchesACorruptedShard()
    {
        Assert.That(Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta")).ExitCode, Is.Zero);
        var ok = CliProcess.Run("verify", _temp.Sub("out"));
        Assert.That(ok.ExitCode, Is.Zero, ok.Stdout + ok.Stderr);
        Assert.That(ok.Stdout, Does.Contain("model-00001-of-00001.safetensors: OK"));
        string shard = Path.Combine(_temp.Sub("out"), "model-00001-of-00001.safetensors");
        byte[] bytes = File.ReadAllBytes(shard);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(shard, bytes);
        var bad = CliProcess.Run("verify", _temp.Sub("out"), "--json");
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.ChecksumMismatch));
        Assert.That(JsonDocument.Parse(bad.Stdout).RootElement.GetProperty("problems")[0].GetProperty("kind").GetString(), Is.EqualTo("ChecksumMismatch"));
    }

    [TestCase("truncated", FormatErrorKind.SafetensorsFileLengthMismatch)]
    [TestCase("header-past-end", FormatErrorKind.SafetensorsHeaderIncomplete)]
    [TestCase("overlap", FormatErrorKind.SafetensorsOffsetOverlap)]
    [TestCase("gap", FormatErrorKind.SafetensorsOffsetGap)]
    [TestCase("unknown-dtype", FormatErrorKind.UnknownDType)]
    [TestCase("not-json", FormatErrorKind.SafetensorsHeaderNotJson)]
    public void DamagedSafetensorsBaseIsRejectedWithASpecificError(string damage, FormatErrorKind expected)
    {
        string baseDir = _temp.CopyOf(RepoPaths.Tiny("base-safetensors"), "base");
        string file = Path.Combine(baseDir, "model.safetensors");
        switch (damage)
        {
            case "truncated": CorruptFiles.Truncate(file, 10); break;
            case "header-past-end": CorruptFiles.SetHeaderLength(file, new FileInfo(file).Length + 100); break;
            case "overlap": CorruptFiles.ReplaceSafetensorsHeader(file, h => h.Replace("[49152,98304]", "[49150,98304]")); break;
            case "gap": CorruptFiles.ReplaceSafetensorsHeader(file, h => h.Replace("[49152,98304]", "[49154,98304]")); break;
            case "unknown-dtype": CorruptFiles.ReplaceSafetensorsHeader(file, h => h.Replace("\"F16\"", "\"F17\"")); break;
            case "not-json": CorruptFiles.ReplaceSafetensorsHeader(file, h => h.Replace("{\"__metadata__\":", "{\"__metadata__\" ")); break;
        }
        var r = Merge(baseDir, RepoPaths.Tiny("delta"), "--json");
        AssertFailedCleanly(r, ExitCodes.InvalidInput, "model.safetensors");
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("invalid_input." + expected));
    }

    [Test]
    public void PickleThatWouldRunACommandIsRefusedAndNothingRuns()
    {
        const string marker = "/tmp/deltamerge-pwned";
        File.Delete(marker);
        string delta = _temp.CopyOf(RepoPaths.Tiny("delta"), "delta");
        File.Copy(RepoPaths.Bad("evil.bin"), Path.Combine(delta, "pytorch_model.bin"), overwrite: true);
        var r = Merge(RepoPaths.Tiny("base-bin"), delta);
        AssertFailedCleanly(r, ExitCodes.InvalidInput, "pytorch_model.bin", "posix", "system");
        Assert.That(File.Exists(marker), Is.False, "the pickle's command must never run");
    }

    [Test]
    public void UnknownPickleOpcodeIsRefused()
    {
        string delta = _temp.CopyOf(RepoPaths.Tiny("delta"), "delta");
        File.Copy(RepoPaths.Bad("unknown-opcode.bin"), Path.Combine(delta, "pytorch_model.bin"), overwrite: true);
        AssertFailedCleanly(Merge(RepoPaths.Tiny("base-bin"), delta), ExitCodes.InvalidInput, "0x82");
    }

    [Test]
    public void ShapeMismatchNamesTheTensorAndBothShapes()
    {
        string delta = _temp.CopyOf(RepoPaths.Tiny("delta-safetensors"), "delta");
        CorruptFiles.ReplaceSafetensorsHeader(Path.Combine(delta, "model.safetensors"),
            h => System.Text.RegularExpressions.Regex.Replace(h, "(\"model\\.norm\\.weight\":\\{[^}]*\"shape\":)\\[64\\]", "$1[32,2]"));
        var r = Merge(RepoPaths.Tiny("base-bin"), delta);
        AssertFailedCleanly(r, ExitCodes.InvalidInput, "[64]", "[32, 2]");
    }

    [Test]
    public void TensorMissingFromTheDeltaIsNamed()
    {
        string delta = _temp.CopyOf(RepoPaths.Tiny("delta-safetensors"), "delta");
        CorruptFiles.ReplaceSafetensorsHeader(Path.Combine(delta, "model.safetensors"), h => h.Replace("\"model.norm.weight\"", "\"model.norm.weighx\""));
        var r = Merge(RepoPaths.Tiny("base-bin"), delta);
        AssertFailedCleanly(r, ExitCodes.InvalidInput, "model.norm.weight", "missing from the delta");
    }

    [Test]
    public void ChecksumMismatchOnTheBaseExitsWithItsOwnCode()
    {
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"), "--base-checksums", RepoPaths.Tiny("checksums/base-bin.bad.sha256"));
        AssertFailedCleanly(r, ExitCodes.ChecksumMismatch, "pytorch_model-00001-of-00002.bin", "expected", "computed");
    }

    [Test]
    public void ChecksumMismatchOnTheDeltaExitsWithItsOwnCode()
    {
        string delta = _temp.CopyOf(RepoPaths.Tiny("delta"), "delta");
        byte[] bytes = File.ReadAllBytes(Path.Combine(delta, "tokenizer.model"));
        bytes[100] ^= 1;
        File.WriteAllBytes(Path.Combine(delta, "tokenizer.model"), bytes);
        var r = Merge(RepoPaths.Tiny("base-bin"), delta, "--delta-checksums", Path.Combine(delta, "SHA256SUMS"));
        AssertFailedCleanly(r, ExitCodes.ChecksumMismatch, "tokenizer.model");
    }

    [Test]
    public void ExistingOutputIsAUsageError()
    {
        Directory.CreateDirectory(_temp.Sub("out"));
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Stderr, Does.Contain("--force"));
        Assert.That(Directory.GetFileSystemEntries(_temp.Sub("out")), Is.Empty);
    }

    [Test]
    public void BadOptionValuesAreUsageErrors()
    {
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"), "--dtype", "f8");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(r.Stderr, Does.Contain("f16, bf16 or f32"));
        Assert.That(CliProcess.Run("merge", "--base", "x").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void CudaRequestedWithoutCudaFailsClearly()
    {
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"), "--device", "cuda");
        if (r.ExitCode == 0) Assert.Ignore("CUDA is available here.");
        AssertFailedCleanly(r, ExitCodes.DeviceUnavailable, "--device cuda");
    }

    [Test]
    public void DryRunPrintsThePlanAndWritesNothing()
    {
        var r = Merge(RepoPaths.Tiny("base-bin"), RepoPaths.Tiny("delta"), "--dry-run", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("status").GetString(), Is.EqualTo("planned"));
        Assert.That(doc.RootElement.GetProperty("plan").GetProperty("shards")[0].GetProperty("tensors").GetArrayLength(), Is.EqualTo(21));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty);
    }

    [Test]
    public void MakeDeltaThenMergeRoundTrips()
    {
        var made = CliProcess.Run("make-delta", "--base", RepoPaths.Tiny("base-safetensors"), "--target", RepoPaths.Tiny("target"), "--out", _temp.Sub("delta"));
        Assert.That(made.ExitCode, Is.Zero, made.Stderr);
        var merged = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-safetensors"), "--delta", _temp.Sub("delta"), "--out", _temp.Sub("merged"));
        Assert.That(merged.ExitCode, Is.Zero, merged.Stderr);
        // base + (target - base) in fp16 equals the target up to the fp16 rounding of the delta (half an ulp of the base's values).
        var target = HalfTensors.Read(RepoPaths.Tiny("target"));
        var result = HalfTensors.Read(_temp.Sub("merged"));
        Assert.That(result.Keys, Is.EquivalentTo(target.Keys));
        foreach (var (name, expected) in target)
            for (int i = 0; i < expected.Length; i++)
                if (!float.IsInfinity(expected[i]) && !float.IsInfinity(result[name][i]))
                    Assert.That(result[name][i], Is.EqualTo(expected[i]).Within(Math.Abs(expected[i]) * 1e-3 + 1e-4), $"{name}[{i}]");
    }
}
