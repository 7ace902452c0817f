using DeltaMerge.Compute;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Tests.Shared;
using TorchSharp;

namespace DeltaMerge.Runtime.Tests;

/// <summary>
/// Grouped-query attention (the fixture itself has as many kv heads as heads): a model with 2 kv heads for 4 query
/// heads must compute what the 4-head model computes when each kv head's weights are repeated for its group
/// (kv head j serves query heads 2j and 2j+1, transformers' repeat_kv).
/// </summary>
public sealed class GroupedQueryAttentionTests
{
    private const int KvHeads = 2;

    [Test]
    public void TwoKvHeadsEqualFourHeadsWithRepeatedKeyValueWeights()
    {
        var reference = ReferenceForward.Load("forward-f32.json");
        using var temp = new TempDirectory();
        string mhaDir = TinyModels.MergedModel(temp, "merge-f32");
        string gqaDir = TinyModels.MergedModel(temp, "merge-f32", c => c["num_key_value_heads"] = KvHeads, name: "gqa");
        var cpu = new RuntimeOptions { Device = DeviceChoice.Cpu };
        int headDim;
        using (var probe = LlamaRuntime.Load(mhaDir, cpu)) headDim = probe.Config.HeadDim;
        KeepFirstKvHeads(Path.Combine(mhaDir, "model.safetensors"), Path.Combine(gqaDir, "model.safetensors"), KvHeads * headDim);

        using var gqa = LlamaRuntime.Load(gqaDir, cpu);
        using var mha = LlamaRuntime.Load(mhaDir, cpu);
        Assert.That(gqa.Config.KvHeadCount, Is.EqualTo(KvHeads));
        TinyModels.ZeroLoaded(gqa, reference.Zeroed);
        TinyModels.ZeroLoaded(mha, reference.Zeroed);
        RepeatKvHeads(mha, headDim);

        float worst = 0;
        foreach (var prompt in reference.Prompts)
        {
            worst = Math.Max(worst, TinyModels.MaxAbsDiff(TinyModels.Logits(gqa, prompt.Ids), TinyModels.Logits(mha, prompt.Ids)));
            // And with the cache: the kv cache holds 2 heads, not 4.
            using var cache = gqa.NewCache();
            var steps = prompt.Ids.SelectMany(id => TinyModels.Logits(gqa, [id], cache)).ToArray();
            worst = Math.Max(worst, TinyModels.MaxAbsDiff(steps, TinyModels.Logits(mha, prompt.Ids)));
        }
        TestContext.Out.WriteLine($"GQA vs repeated-kv MHA: max logit diff {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-5f));
    }

    /// <summary>Copies a safetensors file, keeping only the first <paramref name="rows"/> rows of every k_proj and v_proj.</summary>
    private static void KeepFirstKvHeads(string source, string destination, int rows)
    {
        using var reader = new FileByteReader(source);
        var header = SafetensorsHeader.Read(reader);
        static bool IsKv(string name) => name.EndsWith("k_proj.weight", StringComparison.Ordinal) || name.EndsWith("v_proj.weight", StringComparison.Ordinal);
        var specs = header.Tensors.Select(t => new SafetensorsTensorSpec(t.Name, t.DType, IsKv(t.Name) ? [rows, t.Shape[1]] : t.Shape)).ToList();
        using var output = File.Create(destination);
        using var writer = new SafetensorsWriter(output, specs, null);
        foreach (var (tensor, spec) in header.Tensors.Zip(specs))
        {
            var bytes = new byte[spec.ByteLength];
            reader.ReadExactly(tensor.Offset, bytes);
            writer.WriteTensor(spec.Name, bytes);
        }
        writer.Complete();
    }

    /// <summary>Rewrites the 4-head model's k/v rows as [h0, h0, h1, h1].</summary>
    private static void RepeatKvHeads(LlamaRuntime runtime, int headDim)
    {
        foreach (var (name, weight) in runtime.Model.ResidentWeights())
        {
            if (!name.EndsWith("k_proj.weight", StringComparison.Ordinal) && !name.EndsWith("v_proj.weight", StringComparison.Ordinal)) continue;
            for (int head = 3; head >= 0; head--)
                for (int row = 0; row < headDim; row++)
                    weight.RowBytes(head / 2 * headDim + row).CopyTo(weight.RowBytes(head * headDim + row));
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in runtime.Model.named_parameters())
        {
            if (!name.EndsWith("k_proj.weight", StringComparison.Ordinal) && !name.EndsWith("v_proj.weight", StringComparison.Ordinal)) continue;
            // Heads from the last down, so each source is read before it is overwritten.
            for (int head = 3; head >= 0; head--)
            {
                using var source = parameter.narrow(0, head / 2 * headDim, headDim).clone();
                using var target = parameter.narrow(0, head * headDim, headDim);
                target.copy_(source);
            }
        }
    }
}
