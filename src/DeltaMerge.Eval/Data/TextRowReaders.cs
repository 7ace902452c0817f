using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Scoring;
using DeltaMerge.Formats;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Eval.Data;

/// <summary>Reads JSON Lines, JSON arrays, SQuAD JSON and GLUE TSV files into rows.</summary>
internal static class TextRowReaders
{
    /// <summary>A .json file: SQuAD JSON (an object with "data"), a JSON array of rows, or JSON Lines.</summary>
    public static (DataFormat Format, List<RawRow> Rows) ReadJson(string path)
    {
        string text = ReadAll(path);
        JsonNode? whole;
        try
        {
            whole = StrictJson.Parse(text);
        }
        catch (JsonException e)
        {
            // Hugging Face's to_json writes JSON Lines, often named .json: a valid first line means JSON Lines.
            if (FirstLineIsJson(text)) return (DataFormat.JsonLines, ReadJsonLines(path, text));
            throw new EvalDataException(EvalDataErrorKind.MalformedJson, $"not valid JSON: {e.Message}", path, e.LineNumber is long l ? $"line {l + 1}" : null, inner: e);
        }
        return whole switch
        {
            JsonObject o when o.ContainsKey("data") => (DataFormat.SquadJson, ReadSquad(path, o)),
            JsonArray a => (DataFormat.JsonLines, a.Select((n, i) => AsRow(n, path, $"row {i}")).ToList()),
            JsonObject o => (DataFormat.JsonLines, [AsRow(o, path, "line 1")]),
            _ => throw new EvalDataException(EvalDataErrorKind.MalformedRow, "expected a JSON object or array at the top level.", path),
        };
    }

    /// <summary>A .jsonl file.</summary>
    public static List<RawRow> ReadJsonLines(string path) => ReadJsonLines(path, ReadAll(path));

    private static List<RawRow> ReadJsonLines(string path, string text)
    {
        var rows = new List<RawRow>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            JsonNode? node;
            try
            {
                node = StrictJson.Parse(line);
            }
            catch (JsonException e)
            {
                throw new EvalDataException(EvalDataErrorKind.MalformedJson, $"not valid JSON: {e.Message}", path, $"line {i + 1}", inner: e);
            }
            rows.Add(AsRow(node, path, $"line {i + 1}"));
        }
        return rows;
    }

    /// <summary>SQuAD v1.1 JSON flattened to Hugging Face squad rows (id, title, context, question, answers{text, answer_start}).</summary>
    private static List<RawRow> ReadSquad(string path, JsonObject root)
    {
        if (root["data"] is not JsonArray data) throw new EvalDataException(EvalDataErrorKind.MalformedRow, "\"data\" must be an array of articles.", path, column: "data");
        var rows = new List<RawRow>();
        for (int a = 0; a < data.Count; a++)
        {
            var article = Object(data[a], path, $"data[{a}]");
            var paragraphs = Array(article, "paragraphs", path, $"data[{a}]");
            for (int p = 0; p < paragraphs.Count; p++)
            {
                string where = $"data[{a}].paragraphs[{p}]";
                var paragraph = Object(paragraphs[p], path, where);
                JsonNode? context = paragraph["context"] ?? throw new EvalDataException(EvalDataErrorKind.MissingColumn, "missing.", path, where, "context");
                var qas = Array(paragraph, "qas", path, where);
                for (int q = 0; q < qas.Count; q++)
                {
                    string qWhere = $"{where}.qas[{q}]";
                    var qa = Object(qas[q], path, qWhere);
                    var row = new JsonObject { ["context"] = context.DeepClone() };
                    foreach (var (key, value) in qa)
                    {
                        if (key == "answers" && value is JsonArray answers) row["answers"] = AnswersAsColumns(answers, path, qWhere);
                        else row[key] = value?.DeepClone();
                    }
                    if (article["title"] is JsonNode title) row["title"] = title.DeepClone();
                    rows.Add(new RawRow(row, path, $"row {rows.Count} ({qWhere})"));
                }
            }
        }
        return rows;
    }

    /// <summary>[{text, answer_start}, ...] as Hugging Face's {text: [...], answer_start: [...]}.</summary>
    internal static JsonObject AnswersAsColumns(JsonArray answers, string path, string where)
    {
        var texts = new JsonArray();
        var starts = new JsonArray();
        foreach (JsonNode? a in answers)
        {
            if (a is not JsonObject o || o["text"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                throw new EvalDataException(EvalDataErrorKind.MalformedRow, "each answer must be an object with a \"text\" string.", path, where, "answers");
            texts.Add(t.GetValue<string>());
            starts.Add(o["answer_start"]?.DeepClone());
        }
        return new JsonObject { ["text"] = texts, ["answer_start"] = starts };
    }

    /// <summary>GLUE TSV: a header line, then tab-separated fields; each line is stripped first, as the authors' SST-2 reader does.</summary>
    public static List<RawRow> ReadTsv(string path)
    {
        string[] lines = ReadAll(path).Split('\n');
        int headerAt = System.Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerAt < 0) return [];
        string[] header = PyText.Strip(lines[headerAt]).Split('\t');
        var rows = new List<RawRow>();
        for (int i = headerAt + 1; i < lines.Length; i++)
        {
            string line = PyText.Strip(lines[i]);
            if (line.Length == 0) continue;
            string[] fields = line.Split('\t');
            if (fields.Length < header.Length)
                throw new EvalDataException(EvalDataErrorKind.MalformedRow, $"{fields.Length} tab-separated fields, the header has {header.Length}.", path, $"line {i + 1}");
            var values = new JsonObject();
            for (int c = 0; c < header.Length; c++) values[header[c]] = fields[c];
            rows.Add(new RawRow(values, path, $"line {i + 1}"));
        }
        return rows;
    }

    private static string ReadAll(string path)
    {
        // Strict UTF-8 (a BOM is skipped): a mis-encoded file is an error, not replacement characters in the prompts.
        try
        {
            return StrictUtf8.GetString(RegularFile.ReadAllBytes(path)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            throw new EvalDataException(EvalDataErrorKind.MalformedRow, $"not valid UTF-8 ({e.Message}).", path, inner: e);
        }
    }

    private static bool FirstLineIsJson(string text)
    {
        string first = text.Split('\n', 2)[0].Trim();
        if (first.Length == 0 || first[0] != '{') return false;
        try
        {
            return JsonNode.Parse(first) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static RawRow AsRow(JsonNode? node, string path, string location) =>
        node is JsonObject o ? new RawRow(o, path, location)
            : throw new EvalDataException(EvalDataErrorKind.MalformedRow, $"expected a JSON object, found {Kind(node)}.", path, location);

    private static JsonObject Object(JsonNode? node, string path, string where) =>
        node as JsonObject ?? throw new EvalDataException(EvalDataErrorKind.MalformedRow, $"expected an object, found {Kind(node)}.", path, where);

    private static JsonArray Array(JsonObject o, string key, string path, string where) => o[key] switch
    {
        JsonArray a => a,
        null => throw new EvalDataException(EvalDataErrorKind.MissingColumn, "missing.", path, where, key),
        var other => throw new EvalDataException(EvalDataErrorKind.MalformedRow, $"expected an array, found {Kind(other)}.", path, where, key),
    };

    internal static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
        _ => "a value",
    };
}
