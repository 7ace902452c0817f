using System.Text.Json.Serialization;
using DeltaMerge.Eval.Data;
using Parquet.Schema;
using Parquet.Serialization;

namespace DeltaMerge.Eval.Tests;

/// <summary>
/// Writes Parquet files shaped as Hugging Face datasets writes them (Parquet.Net's class serializer: nested structs of
/// lists such as answers{text: list&lt;string&gt;, answer_start: list&lt;int32&gt;}, lists as the standard 3-level LIST).
/// </summary>
internal static class HfParquet
{
    public sealed class Answers
    {
        [JsonPropertyName("text")] public List<string> Text { get; set; } = [];
        [JsonPropertyName("answer_start")] public List<int> AnswerStart { get; set; } = [];
    }

    public sealed class SquadRow
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("title")] public string Title { get; set; } = "";
        [JsonPropertyName("context")] public string Context { get; set; } = "";
        [JsonPropertyName("question")] public string Question { get; set; } = "";
        [JsonPropertyName("answers")] public Answers Answers { get; set; } = new();
    }

    public sealed class Choices
    {
        [JsonPropertyName("text")] public List<string> Text { get; set; } = [];
        [JsonPropertyName("label")] public List<string> Label { get; set; } = [];
    }

    public sealed class OpenbookQaRow
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("question_stem")] public string QuestionStem { get; set; } = "";
        [JsonPropertyName("choices")] public Choices Choices { get; set; } = new();
        [JsonPropertyName("answerKey")] public string AnswerKey { get; set; } = "";
    }

    public sealed class CopaRow
    {
        [JsonPropertyName("premise")] public string Premise { get; set; } = "";
        [JsonPropertyName("choice1")] public string Choice1 { get; set; } = "";
        [JsonPropertyName("choice2")] public string Choice2 { get; set; } = "";
        [JsonPropertyName("question")] public string Question { get; set; } = "";
        [JsonPropertyName("idx")] public int Idx { get; set; }
        [JsonPropertyName("label")] public long Label { get; set; } // ClassLabel is int64 in HF Parquet
    }

    public sealed class NliRow
    {
        [JsonPropertyName("premise")] public string Premise { get; set; } = "";
        [JsonPropertyName("hypothesis")] public string Hypothesis { get; set; } = "";
        [JsonPropertyName("label")] public long Label { get; set; }
    }

    public static void WriteSquad(string path, IEnumerable<EvalExample> examples) => Write(path, examples.Select(e => new SquadRow
    {
        Id = e.Id!, Title = "t", Context = e["context"], Question = e["question"],
        Answers = new Answers { Text = [.. e.GoldAnswers], AnswerStart = e.GoldAnswers.Select(_ => 0).ToList() },
    }));

    public static void WriteOpenbookQa(string path, IEnumerable<EvalExample> examples) => Write(path, examples.Select((e, i) => new OpenbookQaRow
    {
        Id = $"q{i}", QuestionStem = e["question_stem"],
        Choices = new Choices { Text = [.. e.Options], Label = ["A", "B", "C", "D"] },
        AnswerKey = ((char)('A' + e.Gold)).ToString(),
    }));

    public static void WriteCopa(string path, IEnumerable<EvalExample> examples) => Write(path, examples.Select((e, i) => new CopaRow
    {
        Premise = e["premise"], Choice1 = e["choice1"], Choice2 = e["choice2"], Question = e["question"], Idx = i, Label = e.Gold,
    }));

    public static void WriteNli(string path, IEnumerable<(string Premise, string Hypothesis, int Label)> rows) =>
        Write(path, rows.Select(r => new NliRow { Premise = r.Premise, Hypothesis = r.Hypothesis, Label = r.Label }));

    /// <summary>
    /// SQuAD with the list element named "item" (pyarrow before 13 and many Hub conversions) instead of "element",
    /// written from an explicit schema with the untyped serializer.
    /// </summary>
    public static void WriteSquadItemNamedLists(string path, IEnumerable<EvalExample> examples)
    {
        var schema = new ParquetSchema(
            new DataField<string>("id"), new DataField<string>("context"), new DataField<string>("question"),
            new StructField("answers", new ListField("text", new DataField<string>("item")), new ListField("answer_start", new DataField<int>("item"))));
        var rows = examples.Select(e => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["id"] = e.Id!.AsMemory(), ["context"] = e["context"].AsMemory(), ["question"] = e["question"].AsMemory(),
            // The untyped serializer takes strings as ReadOnlyMemory<char>.
            ["answers"] = new Dictionary<string, object?>
            {
                ["text"] = e.GoldAnswers.Select(a => (ReadOnlyMemory<char>?)a.AsMemory()).ToList(),
                ["answer_start"] = e.GoldAnswers.Select(_ => 0).ToList(),
            },
        }).ToList();
        using var stream = File.Create(path);
        ParquetSerializer.SerializeUntypedAsync(rows, schema, stream).GetAwaiter().GetResult();
    }

    private static void Write<T>(string path, IEnumerable<T> rows)
    {
        using var stream = File.Create(path);
        ParquetSerializer.SerializeAsync(rows.ToList(), stream).GetAwaiter().GetResult();
    }
}
