using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Demo;

/// <summary>
/// Writes small, deterministic LLaMA-shaped model directories (Hugging Face layout, fp16 safetensors, config,
/// tokenizer config, SHA256SUMS): a base, and a delta whose vocabulary has one more row for <c>[PAD]</c>, as
/// MT-LLaMA's delta has. No downloads; the same shape always gives the same bytes.
/// </summary>
public static class SyntheticLlama
{
    /// <summary>Shape of a synthetic model.</summary>
    /// <param name="Hidden">hidden_size.</param>
    /// <param name="Intermediate">intermediate_size.</param>
    /// <param name="Layers">num_hidden_layers.</param>
    /// <param name="Heads">num_attention_heads (and key/value heads).</param>
    /// <param name="Vocab">Base vocabulary rows.</param>
    public sealed record Shape(int Hidden, int Intermediate, int Layers, int Heads, int Vocab);

    /// <summary>Pieces in the bundled demo tokenizer.model.</summary>
    public const int DemoTokenizerVocabulary = 384;

    /// <summary>Tensor names and shapes of a LlamaForCausalLM with <paramref name="s"/>, vocabulary rows <paramref name="vocab"/>.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(Shape s, int vocab)
    {
        var list = new List<(string, long[])> { (LlamaTensorNames.EmbedTokens, [vocab, s.Hidden]) };
        for (int i = 0; i < s.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            list.Add((p + "self_attn.q_proj.weight", [s.Hidden, s.Hidden]));
            list.Add((p + "self_attn.k_proj.weight", [s.Hidden, s.Hidden]));
            list.Add((p + "self_attn.v_proj.weight", [s.Hidden, s.Hidden]));
            list.Add((p + "self_attn.o_proj.weight", [s.Hidden, s.Hidden]));
            list.Add((p + "mlp.gate_proj.weight", [s.Intermediate, s.Hidden]));
            list.Add((p + "mlp.up_proj.weight", [s.Intermediate, s.Hidden]));
            list.Add((p + "mlp.down_proj.weight", [s.Hidden, s.Intermediate]));
            list.Add((p + "input_layernorm.weight", [s.Hidden]));
            list.Add((p + "post_attention_layernorm.weight", [s.Hidden]));
        }
        list.Add((LlamaTensorNames.FinalNorm, [s.Hidden]));
        list.Add((LlamaTensorNames.LmHead, [vocab, s.Hidden]));
        return list;
    }

    /// <summary>Writes a base model into <paramref name="directory"/>.</summary>
    public static void WriteBase(string directory, Shape s) =>
        WriteDirectory(directory, s, s.Vocab, RandomTensors(s, s.Vocab, seed: 1, scale: 0.02f, isDelta: false));

    /// <summary>Writes a delta (vocabulary + 1 for [PAD]) into <paramref name="directory"/>.</summary>
    public static void WriteDelta(string directory, Shape s) =>
        WriteDirectory(directory, s, s.Vocab + 1, RandomTensors(s, s.Vocab + 1, seed: 2, scale: 0.002f, isDelta: true));

    /// <summary>
    /// Writes a model directory with <paramref name="tensors"/> (fp16 bytes, in <see cref="Tensors"/> order) and the
    /// files around them; a vocabulary of <c>s.Vocab + 1</c> rows declares the extra row as <c>[PAD]</c>.
    /// </summary>
    public static void WriteDirectory(string directory, Shape s, int vocab, IEnumerable<(string Name, byte[] F16)> tensors)
    {
        Directory.CreateDirectory(directory);
        var specs = Tensors(s, vocab).Select(t => new SafetensorsTensorSpec(t.Name, DType.F16, t.Shape)).ToList();
        using (var file = new FileStream(Path.Combine(directory, "model.safetensors"), FileMode.Create, FileAccess.Write))
        using (var writer = new SafetensorsWriter(file, specs, new Dictionary<string, string> { ["format"] = "pt" }))
        {
            foreach (var (name, data) in tensors) writer.WriteTensor(name, data);
            writer.Complete();
        }
        var files = new Dictionary<string, byte[]>
        {
            ["config.json"] = Json(Config(s, vocab)),
            ["generation_config.json"] = Json(new JsonObject { ["bos_token_id"] = 1, ["eos_token_id"] = 2, ["pad_token_id"] = 0 }),
            ["tokenizer_config.json"] = Json(new JsonObject { ["add_bos_token"] = true, ["add_eos_token"] = false, ["tokenizer_class"] = "LlamaTokenizer" }),
            ["special_tokens_map.json"] = Json(new JsonObject { ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["unk_token"] = "<unk>" }),
        };
        if (vocab > s.Vocab)
        {
            files["added_tokens.json"] = Json(new JsonObject { ["[PAD]"] = s.Vocab });
            files["special_tokens_map.json"] = Json(new JsonObject { ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["unk_token"] = "<unk>", ["pad_token"] = "[PAD]" });
        }
        if (s.Vocab == DemoTokenizerVocabulary)
        {
            // A real SentencePiece model, so the demo's models can be loaded and asked something.
            using var resource = typeof(SyntheticLlama).Assembly.GetManifestResourceStream("DeltaMerge.Demo.tokenizer.model")!;
            using var memory = new MemoryStream();
            resource.CopyTo(memory);
            files["tokenizer.model"] = memory.ToArray();
        }
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(directory, name), bytes);
        var sums = Directory.GetFiles(directory).Where(f => Path.GetFileName(f) != Sha256Sums.FileName)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), Sha256Sums.HashFile(f)));
        File.WriteAllText(Path.Combine(directory, Sha256Sums.FileName), Sha256Sums.Format(sums));
    }

    /// <summary>Seeded normal values for every tensor: norms near 1 in a base, near 0 in a delta.</summary>
    private static IEnumerable<(string Name, byte[] F16)> RandomTensors(Shape s, int vocab, ulong seed, float scale, bool isDelta)
    {
        var rng = new XorShift(seed);
        foreach (var (name, shape) in Tensors(s, vocab))
        {
            bool norm = shape.Length == 1;
            var data = new byte[DTypeInfo.ByteSize(DType.F16, shape)];
            for (int i = 0; i < data.Length; i += 2)
            {
                float v = norm ? (isDelta ? 0.01f : 1f) * (isDelta ? rng.Normal() : 1f + 0.1f * rng.Normal()) : scale * rng.Normal();
                BitConverter.TryWriteBytes(data.AsSpan(i), (Half)v);
            }
            yield return (name, data);
        }
    }

    private static JsonObject Config(Shape s, int vocab) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["bos_token_id"] = 1,
        ["eos_token_id"] = 2,
        ["hidden_act"] = "silu",
        ["hidden_size"] = s.Hidden,
        ["intermediate_size"] = s.Intermediate,
        ["max_position_embeddings"] = 2048,
        ["model_type"] = "llama",
        ["num_attention_heads"] = s.Heads,
        ["num_hidden_layers"] = s.Layers,
        ["num_key_value_heads"] = s.Heads,
        ["pad_token_id"] = 0,
        ["rms_norm_eps"] = 1e-6,
        ["rope_theta"] = 10000.0,
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "float16",
        ["vocab_size"] = vocab,
    };

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 2 }) + "\n");

    /// <summary>xorshift64* with a Box-Muller normal: deterministic on every platform and .NET version.</summary>
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed * 0x9E3779B97F4A7C15UL + 1;

        private double Uniform()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return ((_state * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
        }

        public float Normal()
        {
            double u1 = Math.Max(Uniform(), 1e-300), u2 = Uniform();
            return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }
}
