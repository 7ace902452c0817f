using System.Text.Json.Serialization;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Tests.Shared;
using Parquet.Serialization;

namespace DeltaMerge.Fuzz;

/// <summary>
/// Writes the binary seeds with the project's own writers: a few hundred bytes to a few KB each, where the test
/// fixtures' weight files are 300 KB (AFL++ mutates small inputs far faster). Text seeds are copies of fixtures.
/// </summary>
internal static class SeedWriter
{
    /// <summary>Writes TARGET/NAME files under <paramref name="root"/>.</summary>
    public static void WriteAll(string root)
    {
        Write(root, "safetensors", "two-tensors.safetensors", Safetensors());
        Write(root, "gguf", "tiny-llama.gguf", TinyLlamaGguf.Build());
        Write(root, "eval-parquet", "copa.parquet", Parquet(new[] { new CopaRow("The man broke his toe.", "He dropped a hammer.", "He got a hole in his sock.", "cause", 0) }));
        Write(root, "eval-parquet", "squad.parquet", Parquet(new[]
        {
            new SquadRow("q1", "T", "Paris is in France.", "Where is Paris?", new Answers(["France"], [12])),
        }));
    }

    private static void Write(string root, string target, string name, byte[] bytes)
    {
        Directory.CreateDirectory(Path.Combine(root, target));
        File.WriteAllBytes(Path.Combine(root, target, name), bytes);
    }

    private static byte[] Safetensors()
    {
        using var buffer = new MemoryStream();
        SafetensorsTensorSpec[] specs = [new("a", DType.F16, [2, 3]), new("b", DType.F32, [4])];
        using (var writer = new SafetensorsWriter(buffer, specs, new Dictionary<string, string> { ["format"] = "pt" }, leaveOpen: true))
        {
            writer.WriteTensor("a", new byte[12]);
            writer.WriteTensor("b", new byte[16]);
            writer.Complete();
        }
        return buffer.ToArray();
    }

    private static byte[] Parquet<T>(IEnumerable<T> rows)
    {
        using var buffer = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>A COPA row as Hugging Face datasets writes it.</summary>
    private sealed record CopaRow(
        [property: JsonPropertyName("premise")] string Premise,
        [property: JsonPropertyName("choice1")] string Choice1,
        [property: JsonPropertyName("choice2")] string Choice2,
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("label")] long Label);

    /// <summary>SQuAD's answers struct of lists.</summary>
    private sealed record Answers(
        [property: JsonPropertyName("text")] List<string> Text,
        [property: JsonPropertyName("answer_start")] List<int> AnswerStart);

    /// <summary>A SQuAD row.</summary>
    private sealed record SquadRow(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("context")] string Context,
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("answers")] Answers Answers);
}
