using System.Buffers.Binary;
using System.Text;
using DeltaMerge.Tests.Shared;
using Harness = DeltaMerge.Tests.Shared.LlamaCpp;

namespace DeltaMerge.Formats.Tests.LlamaCpp;

/// <summary>
/// Smoke tests of the llama.cpp harness (scripts/llama-cpp/run.mjs + tests/Shared/LlamaCpp.cs): a file llama.cpp
/// cannot use must surface as an exception that carries the exit code and llama.cpp's own log.
/// They fail under CI=true when the harness is not installed (npm ci --prefix scripts/llama-cpp) and are ignored elsewhere.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LlamaCppHarnessTests
{
    [SetUp]
    public void RequireHarness() => Harness.Require();

    [Test]
    public void NonExistentModelFileReportsClearError()
    {
        using var temp = new TempDirectory();
        string missing = temp.Sub("does-not-exist.gguf");

        var e = Assert.Throws<LlamaCppException>(() => Harness.Run(new { model = missing, tokenize = new[] { "hello" } }));

        Assert.That(e!.ExitCode, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("exit code 1"));
        Assert.That(e.Message, Does.Contain("model file not found"));
        Assert.That(e.Message, Does.Contain(missing));
    }

    [Test]
    public void CorruptGgufReportsLlamaCppLog()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("corrupt.gguf");
        // "GGUF", version 3, then junk where the tensor count, KV count and KV pairs should be.
        var bytes = new List<byte>(Encoding.ASCII.GetBytes("GGUF"));
        var version = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(version, 3);
        bytes.AddRange(version);
        bytes.AddRange(Encoding.ASCII.GetBytes("junkjunkjunkjunkjunkjunk"));
        File.WriteAllBytes(path, bytes.ToArray());

        var e = Assert.Throws<LlamaCppException>(() => Harness.Run(new { model = path, tokenize = new[] { "hello" } }));

        Assert.That(e!.ExitCode, Is.Not.Zero);
        Assert.That(e.Message, Does.Contain($"exit code {e.ExitCode}"));
        // llama.cpp's own diagnosis, from its log: the GGUF reader refuses the header, the model loader gives up.
        Assert.That(e.Message, Does.Contain("gguf_init_from"));
        Assert.That(e.Message, Does.Contain("llama_model_load: error loading model"));
        Assert.That(e.Stderr, Does.Contain("failed to load model"));
    }

    [Test]
    public void TruncatedGgufReportsLlamaCppLog()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("truncated.gguf");
        // A well-formed header that promises one tensor, cut off before its tensor info.
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(Encoding.ASCII.GetBytes("GGUF"));
        w.Write(3u);   // version
        w.Write(1UL);  // tensor count
        w.Write(1UL);  // KV count
        WriteString(w, "general.architecture");
        w.Write(8u);   // GGUF string
        WriteString(w, "llama");
        WriteString(w, "token_embd.weight"); // tensor info starts, then the file ends
        File.WriteAllBytes(path, ms.ToArray());

        var e = Assert.Throws<LlamaCppException>(() => Harness.Run(new { model = path }));

        Assert.That(e!.ExitCode, Is.Not.Zero);
        Assert.That(e.Message, Does.Contain("llama_model_load: error loading model"));
    }

    [Test]
    public void TimeoutKillsHarnessAndSaysSo()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("never-read.gguf");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("GGUF"));

        // A zero limit: the harness (a node process) cannot have exited the instant it starts, so the timeout path runs
        // on every machine, fast or loaded.
        var e = Assert.Throws<LlamaCppException>(() => Harness.Run(new { model = path }, TimeSpan.Zero));

        Assert.That(e!.ExitCode, Is.EqualTo(-1));
        Assert.That(e.Message, Does.Contain("timed out"));
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)b.Length);
        w.Write(b);
    }
}
