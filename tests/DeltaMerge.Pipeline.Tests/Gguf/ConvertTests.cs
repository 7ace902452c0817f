using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Pipeline.Tests.Gguf;

/// <summary>convert: Meta and Hugging Face to safetensors and GGUF, and GGUF back, bit for bit.</summary>
public sealed class ConvertTests
{
    private TempDirectory _temp = null!;
    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private string Convert(string model, string outName, OutputFormat format = OutputFormat.Safetensors, DType dtype = DType.F16,
        GgufOutputType ggufType = GgufOutputType.F16) =>
        DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Convert,
            Primary = new InputSpec("model", model, []),
            OutputPath = _temp.Sub(outName),
            Format = format,
            OutputDType = dtype,
            GgufType = ggufType,
            Device = DeviceChoice.Cpu,
        }).OutputPath!;

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    [TestCase("base-bin")]
    public void MetaAndBinToSafetensorsEqualTheHuggingFaceWeights(string source)
    {
        string output = Convert(RepoPaths.Tiny(source), "out");
        MergeAssert.TensorsBitIdentical(output, RepoPaths.Tiny("base-safetensors"));
    }

    [TestCase(GgufOutputType.F16, DType.F16)]
    [TestCase(GgufOutputType.F32, DType.F16)]
    public void GgufRoundTripRestoresTheWeightsAndUndoesThePermutation(GgufOutputType via, DType back)
    {
        string gguf = Convert(RepoPaths.Tiny("base-meta"), "model.gguf", OutputFormat.Gguf, ggufType: via);
        Assert.That(File.ReadAllText(gguf + ".sha256"), Does.StartWith(Formats.Integrity.Sha256Sums.HashFile(gguf) + "  model.gguf"));
        string output = Convert(gguf, "back", dtype: back);
        MergeAssert.TensorsBitIdentical(output, RepoPaths.Tiny("base-safetensors"));
    }

    [Test]
    public void MergingStraightToGgufEqualsConvertingTheMergedModel()
    {
        var direct = DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Add,
            Primary = new InputSpec("base", RepoPaths.Tiny("base-meta"), []),
            Secondary = new InputSpec("delta", RepoPaths.Tiny("delta"), []),
            OutputPath = _temp.Sub("direct.gguf"),
            Format = OutputFormat.Gguf,
            GgufType = GgufOutputType.Q8_0,
            Device = DeviceChoice.Cpu,
        }).OutputPath!;
        var merged = DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Add,
            Primary = new InputSpec("base", RepoPaths.Tiny("base-safetensors"), []),
            Secondary = new InputSpec("delta", RepoPaths.Tiny("delta"), []),
            OutputPath = _temp.Sub("merged"),
            Device = DeviceChoice.Cpu,
        }).OutputPath!;
        string converted = Convert(merged, "converted.gguf", OutputFormat.Gguf, ggufType: GgufOutputType.Q8_0);
        using var a = new FileByteReader(direct);
        using var b = new FileByteReader(converted);
        var ga = GgufReader.Open(a);
        var gb = GgufReader.Open(b);
        Assert.That(ga.Tensors.Select(t => (t.Name, t.Type)), Is.EqualTo(gb.Tensors.Select(t => (t.Name, t.Type))));
        foreach (var t in ga.Tensors)
            Assert.That(ga.ReadTensor(t.Name), Is.EqualTo(gb.ReadTensor(t.Name)), t.Name);
        Assert.That(ga.GetStringArray("tokenizer.ggml.tokens"), Is.EqualTo(gb.GetStringArray("tokenizer.ggml.tokens")));
    }

    [Test]
    public void QuantizedGgufDoesNotConvertBack()
    {
        string gguf = Convert(RepoPaths.Tiny("base-safetensors"), "q.gguf", OutputFormat.Gguf, ggufType: GgufOutputType.Q8_0);
        var e = Assert.Throws<CheckpointFormatException>(() => Convert(gguf, "back"))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.GgufQuantizedTensor));
        Assert.That(Directory.Exists(_temp.Sub("back")), Is.False);
    }
}
