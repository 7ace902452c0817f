using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

public sealed class InspectCliTests
{
    [Test]
    public void DirectoryShowsConfigAndTensorsAsJson()
    {
        var r = CliProcess.Run("inspect", RepoPaths.Tiny("base-bin"), "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("format").GetString(), Is.EqualTo("HuggingFaceBin"));
        Assert.That(root.GetProperty("config").GetProperty("vocab_size").GetInt32(), Is.EqualTo(384));
        var embed = root.GetProperty("tensors").EnumerateArray().First(t => t.GetProperty("name").GetString() == "model.embed_tokens.weight");
        Assert.That(embed.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 384, 64 }));
        Assert.That(embed.GetProperty("file").GetString(), Is.EqualTo("pytorch_model-00001-of-00002.bin"));
        Assert.That(embed.GetProperty("bytes").GetInt64(), Is.EqualTo(384 * 64 * 2));
    }

    [Test]
    public void SingleFilesOfEachFormatAreShown()
    {
        var st = CliProcess.Run("inspect", RepoPaths.Tiny("base-safetensors/model.safetensors"));
        Assert.That(st.ExitCode, Is.Zero, st.Stderr);
        Assert.That(st.Stdout, Does.Contain("safetensors").And.Contain("lm_head.weight").And.Contain("format: pt"));
        var bin = CliProcess.Run("inspect", RepoPaths.Tiny("delta/pytorch_model.bin"));
        Assert.That(bin.ExitCode, Is.Zero, bin.Stderr);
        Assert.That(bin.Stdout, Does.Contain("torch.save zip").And.Contain("[385, 64]"));
    }

    [Test]
    public void TruncatedFileIsReportedPreciselyWithoutAStackTrace()
    {
        using var temp = new TempDirectory();
        string file = temp.Sub("model.safetensors");
        File.Copy(RepoPaths.Tiny("base-safetensors/model.safetensors"), file);
        CorruptFiles.Truncate(file, 1000);
        var r = CliProcess.Run("inspect", file);
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(r.Stderr, Does.Contain(file).And.Contain("expected"));
        Assert.That(r.Stderr, Does.Not.Contain("   at "));
    }

    [Test]
    public void MissingPathIsReported()
    {
        var r = CliProcess.Run("inspect", "/nonexistent/model", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput));
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("invalid_input.ModelNotFound"));
    }
}
