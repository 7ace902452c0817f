using System.Text.Json.Nodes;
using DeltaMerge.Formats;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Tests.Shared;
using TorchSharp;

namespace DeltaMerge.Runtime.Tests;

/// <summary>Builds loadable copies of the tiny fixtures and compares logits.</summary>
internal static class TinyModels
{
    /// <summary>expected/merge-* holds only model.safetensors; the config is the delta's. Optionally edits the config.</summary>
    public static string MergedModel(TempDirectory temp, string merge, Action<JsonObject>? editConfig = null, string? name = null)
    {
        string dir = temp.Sub(name ?? merge);
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(RepoPaths.Tiny("expected"), merge, "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Tiny("delta"), "config.json")))!;
        editConfig?.Invoke(config);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        return dir;
    }

    /// <summary>A merged fixture with the reference's zeroed elements zeroed in the file, plus the delta's tokenizer files: a directory a session loads.</summary>
    public static string SessionDirectory(TempDirectory temp, string merge, ReferenceForward reference)
    {
        string dir = FixtureEdits.ZeroInFile(MergedModel(temp, merge), reference.Zeroed);
        foreach (string f in new[] { "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json" })
            File.Copy(Path.Combine(RepoPaths.Tiny("delta"), f), Path.Combine(dir, f));
        return dir;
    }

    /// <summary>Zeroes the listed elements in a loaded model (the reference zeroes them in the merged weights).</summary>
    public static void ZeroLoaded(LlamaRuntime runtime, IEnumerable<(string Tensor, int Row, int Column)> elements)
    {
        using var noGrad = torch.no_grad();
        var parameters = runtime.Model.named_parameters().ToDictionary(p => Modules.LlamaModel.CheckpointName(p.name), p => p.parameter);
        var resident = runtime.Model.ResidentWeights().ToDictionary(w => w.Key, w => w.Weight);
        foreach (var (tensor, row, column) in elements)
        {
            if (resident.TryGetValue(tensor, out var weight))
            {
                // Zero bits are +0 in every stored float type.
                int size = (int)(weight.Matrix.RowBytes / weight.Matrix.Columns);
                weight.RowBytes(row).Slice(column * size, size).Clear();
                continue;
            }
            using var element = parameters[tensor][row, column];
            element.fill_(0);
        }
    }


    /// <summary>Logits [T, vocab] of a full forward of <paramref name="ids"/>, as managed rows.</summary>
    public static float[][] Logits(LlamaRuntime runtime, int[] ids, KvCache? cache = null)
    {
        using var logits = runtime.Forward(ids, cache);
        return Rows(logits);
    }

    public static float[][] Rows(torch.Tensor logits)
    {
        using var cpu = logits.cpu();
        float[] flat = cpu.data<float>().ToArray();
        int vocab = (int)logits.shape[1];
        return Enumerable.Range(0, (int)logits.shape[0]).Select(t => flat.AsSpan(t * vocab, vocab).ToArray()).ToArray();
    }

    /// <summary>log_softmax(logits[i])[ids[i+1]] for i = 0..T-2, float32 as the reference.</summary>
    public static float[] LogProbs(LlamaRuntime runtime, int[] ids)
    {
        using var logits = runtime.Forward(ids);
        using var logp = torch.nn.functional.log_softmax(logits, -1);
        using var cpu = logp.cpu();
        var rows = Rows(cpu);
        return Enumerable.Range(0, ids.Length - 1).Select(i => rows[i][ids[i + 1]]).ToArray();
    }

    public static float MaxAbsDiff(float[][] a, float[][] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        float worst = 0;
        for (int t = 0; t < a.Length; t++)
        {
            Assert.That(a[t], Has.Length.EqualTo(b[t].Length));
            for (int v = 0; v < a[t].Length; v++)
            {
                float d = Math.Abs(a[t][v] - b[t][v]);
                if (float.IsNaN(d)) return float.NaN;
                worst = Math.Max(worst, d);
            }
        }
        return worst;
    }
}
