using DeltaMerge.Formats;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Demo.Tests;

/// <summary>
/// The demo as shipped (default fine-tune), run twice: the merged model answers as taught, the base does not, the
/// tensor comparison agrees with an independent one over the files, and both runs give the same results.
/// </summary>
[TestFixture]
public sealed class MergeDemoTests
{
    private TempDirectory _temp = null!;
    private DemoResult _first = null!, _second = null!;

    [OneTimeSetUp]
    public void RunTwice()
    {
        _temp = new TempDirectory();
        _first = MergeDemo.Run(_temp.Sub("first"), new FineTuneOptions());
        _second = MergeDemo.Run(_temp.Sub("second"), new FineTuneOptions());
    }

    [OneTimeTearDown]
    public void CleanUp() => _temp.Dispose();

    [Test]
    public void MergedModelGivesEveryExpectedAnswer()
    {
        Assert.That(_first.Answers.Select(a => a.Merged), Is.EqualTo(DemoPrompts.All.Select(p => p.Expected)));
        Assert.That(_first.Answers, Has.Count.GreaterThan(4), "the four sanity prompts and more");
    }

    [Test]
    public void BaseGivesNoExpectedAnswer()
    {
        foreach (var a in _first.Answers) Assert.That(a.Base, Is.Not.EqualTo(a.Expected), a.Prompt);
    }

    [Test]
    public void MergedOutputIsVerifiedAndTheDemoCallsItProven()
    {
        Assert.That(_first.Verification.Ok, Is.True);
        Assert.That(_first.Proven, Is.True);
    }

    [Test]
    public void ComparisonAgreesWithAnIndependentComparisonOfTheFiles()
    {
        var merged = ReadFiles(Path.Combine(_first.Directory, MergeDemo.MergedName));
        var tuned = ReadFiles(Path.Combine(_first.Directory, MergeDemo.FineTunedName));
        var bases = ReadFiles(Path.Combine(_first.Directory, MergeDemo.BaseName));
        Assert.That(merged.Keys, Is.EquivalentTo(tuned.Keys));
        long elements = 0, differing = 0, exactButDiffering = 0;
        float max = 0;
        foreach (var (name, m) in merged)
        {
            var t = tuned[name];
            var b = bases[name];
            Assert.That(m, Has.Length.EqualTo(t.Length), name);
            for (int i = 0; i < m.Length; i++)
            {
                elements++;
                float diff = Math.Abs((float)m[i] - (float)t[i]);
                if (diff == 0) continue;
                differing++;
                max = Math.Max(max, diff);
                float change = (float)t[i] - (i < b.Length ? (float)b[i] : 0f);
                if ((float)(Half)change == change) exactButDiffering++;
            }
        }
        Assert.That(_first.Comparison.Elements, Is.EqualTo(elements));
        Assert.That(_first.Comparison.DifferingElements, Is.EqualTo(differing));
        Assert.That(_first.Comparison.MaxAbsDiff, Is.EqualTo((double)max));
        // Where fp16 holds finetuned - base exactly, base + delta restores the fine-tuned value exactly. A fine-tune
        // this strong from random weights also changes many values by amounts the fp16 delta must round; some of
        // those land one fp16 step away.
        Assert.That(exactButDiffering, Is.Zero);
        Assert.That(differing, Is.GreaterThan(0).And.LessThan(elements / 2));
    }

    [Test]
    public void ComparisonCatchesOneWrongElementWhereTheDeltaWasExact()
    {
        string merged = _temp.CopyOf(Path.Combine(_first.Directory, MergeDemo.MergedName), "tampered");
        string tuned = Path.Combine(_first.Directory, MergeDemo.FineTunedName), bases = Path.Combine(_first.Directory, MergeDemo.BaseName);
        // The final norm's first element: restored exactly, and its change from the base is an fp16 value.
        const string Name = "model.norm.weight";
        var t = ModelTensors.ReadF16(tuned)[Name].Values[0];
        double change = (double)t - (double)ModelTensors.ReadF16(bases)[Name].Values[0];
        Assert.That((double)(Half)change, Is.EqualTo(change));
        string file = Directory.GetFiles(merged, "*.safetensors").Single();
        long offset;
        using (var reader = new FileByteReader(file)) offset = SafetensorsHeader.Read(reader).TensorsByName[Name].Offset;
        using (var f = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            f.Position = offset;
            f.Write(BitConverter.GetBytes((ushort)(BitConverter.HalfToUInt16Bits(t) + 1)));  // one fp16 step away
        }
        var c = TensorComparison.Compare(merged, tuned, bases);
        Assert.That(c.DifferingWhereExact, Is.EqualTo(1));
        Assert.That(c.DifferingElements, Is.EqualTo(_first.Comparison.DifferingElements + 1));
    }

    [Test]
    public void TwoRunsGiveTheSameResults()
    {
        Assert.That(_second.Answers, Is.EqualTo(_first.Answers));
        Assert.That(_second.Comparison, Is.EqualTo(_first.Comparison));
        Assert.That(_second.FineTune with { Seconds = 0 }, Is.EqualTo(_first.FineTune with { Seconds = 0 }));
        Assert.That(File.ReadAllBytes(Path.Combine(_second.Directory, MergeDemo.FineTunedName, "model.safetensors")),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(_first.Directory, MergeDemo.FineTunedName, "model.safetensors"))));
    }

    /// <summary>Every fp16 tensor of the directory's safetensors files, read with the format reader alone.</summary>
    private static Dictionary<string, Half[]> ReadFiles(string directory)
    {
        var tensors = new Dictionary<string, Half[]>();
        foreach (string path in Directory.GetFiles(directory, "*.safetensors"))
        {
            using var reader = new FileByteReader(path);
            var file = SafetensorsFile.Open(reader);
            foreach (var e in file.Tensors)
            {
                Assert.That(e.DType, Is.EqualTo(DType.F16), e.Name);
                tensors.Add(e.Name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(file.ReadTensor(e.Name)).ToArray());
            }
        }
        return tensors;
    }
}
