using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Data;

/// <summary>Turns a row into a task's <see cref="EvalExample"/>, with errors naming the file, row and column.</summary>
internal static class ExampleReader
{
    public static EvalExample Read(TaskSpec spec, RawRow row, int index)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (FieldSpec f in spec.Fields)
        {
            string column = FindColumn(row, f.Columns);
            fields[f.Name] = Text(row, column, row.Values[column]);
        }
        IReadOnlyList<string> options = [];
        switch (spec.Task)
        {
            case EvalTask.Copa:
                if (fields["question"] is not ("cause" or "effect"))
                    throw Error(EvalDataErrorKind.BadValue, row, "question", $"expected \"cause\" or \"effect\", found \"{fields["question"]}\".");
                options = [fields["choice1"], fields["choice2"]];
                break;
            case EvalTask.Winogrande:
                options = [fields["option1"], fields["option2"]];
                break;
            case EvalTask.OpenbookQa:
                options = Choices(row);
                break;
        }
        if (spec.IsQa)
        {
            string? id = row.Values["id"] is JsonValue v ? v.ToString() : null;
            return new EvalExample { Index = index, Fields = fields, Id = id ?? index.ToString(CultureInfo.InvariantCulture), GoldAnswers = Answers(row) };
        }
        string labelColumn = FindColumn(row, spec.LabelColumns);
        var (gold, style) = Label(spec, row, labelColumn);
        return new EvalExample { Index = index, Fields = fields, Options = options, Gold = gold, LabelStyle = style };
    }

    private static string FindColumn(RawRow row, IReadOnlyList<string> columns)
    {
        foreach (string c in columns)
            if (row.Values.ContainsKey(c)) return c;
        string also = columns.Count > 1 ? $" (or {string.Join(", ", columns.Skip(1).Select(c => $"'{c}'"))})" : "";
        throw Error(EvalDataErrorKind.MissingColumn, row, columns[0], $"missing{also}; the row has {Describe(row.Values)}.");
    }

    private static string Text(RawRow row, string column, JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : throw Error(EvalDataErrorKind.BadValue, row, column, $"expected text, found {TextRowReaders.Kind(node)}.");

    private static (int Class, LabelStyle Style) Label(TaskSpec spec, RawRow row, string column)
    {
        JsonNode? node = row.Values[column];
        string expected = $"expected one of {string.Join(", ", spec.DatasetCodes)} or {string.Join(", ", spec.DatasetNames.Select(n => $"\"{n}\""))}";
        switch (node)
        {
            case null:
                throw Error(EvalDataErrorKind.Unlabeled, row, column, "the label is null: unlabeled examples (test splits) cannot be scored.");
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (!TryGetInteger(v, out long code))
                    throw Error(EvalDataErrorKind.BadValue, row, column, $"{expected}, found {v.ToJsonString()}.");
                if (code == -1) throw Error(EvalDataErrorKind.Unlabeled, row, column, "the label is -1: unlabeled examples (test splits) cannot be scored.");
                return (ClassOfCode(spec, row, column, code, expected), LabelStyle.Integer);
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return (ClassOfCode(spec, row, column, v.GetValue<bool>() ? 1 : 0, expected), LabelStyle.Boolean);
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                string s = v.GetValue<string>().Trim();
                if (s is "" or "-1") throw Error(EvalDataErrorKind.Unlabeled, row, column, $"the label is \"{s}\": unlabeled examples (test splits) cannot be scored.");
                for (int c = 0; c < spec.DatasetNames.Count; c++)
                    if (string.Equals(spec.DatasetNames[c], s, StringComparison.OrdinalIgnoreCase)) return (c, LabelStyle.Name);
                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                    return (ClassOfCode(spec, row, column, n, expected), LabelStyle.IntegerText);
                throw Error(EvalDataErrorKind.BadValue, row, column, $"{expected}, found \"{s}\".");
            default:
                throw Error(EvalDataErrorKind.BadValue, row, column, $"{expected}, found {TextRowReaders.Kind(node)}.");
        }
    }

    private static bool TryGetInteger(JsonValue v, out long value)
    {
        if (v.TryGetValue(out value)) return true;
        // Some writers give integral labels as 1.0.
        if (v.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            value = (long)d;
            return true;
        }
        return false;
    }

    private static int ClassOfCode(TaskSpec spec, RawRow row, string column, long code, string expected)
    {
        for (int c = 0; c < spec.DatasetCodes.Count; c++)
            if (spec.DatasetCodes[c] == code) return c;
        throw Error(EvalDataErrorKind.BadValue, row, column, $"{expected}, found {code}.");
    }

    /// <summary>OpenbookQA's choices{text, label} (a struct of lists, as Hugging Face writes it): the four texts in order.</summary>
    private static IReadOnlyList<string> Choices(RawRow row)
    {
        const string column = "choices";
        if (!row.Values.ContainsKey(column)) throw Error(EvalDataErrorKind.MissingColumn, row, column, $"missing; the row has {Describe(row.Values)}.");
        JsonArray texts = row.Values[column] switch
        {
            JsonObject o when o["text"] is JsonArray a => a,
            JsonArray list when list.All(x => x is JsonObject { } xo && xo.ContainsKey("text")) => new JsonArray(list.Select(x => x!["text"]!.DeepClone()).ToArray()),
            var other => throw Error(EvalDataErrorKind.MalformedRow, row, column, $"expected {{\"text\": [...], \"label\": [...]}}, found {TextRowReaders.Kind(other)}."),
        };
        if (texts.Count != 4) throw Error(EvalDataErrorKind.MalformedRow, row, column, $"expected 4 choices, found {texts.Count}.");
        return texts.Select(t => Text(row, "choices.text", t)).ToArray();
    }

    /// <summary>answers{text, answer_start} (Hugging Face) or [{text, answer_start}, ...] (SQuAD JSON style).</summary>
    private static IReadOnlyList<string> Answers(RawRow row)
    {
        const string column = "answers";
        JsonArray texts = row.Values[column] switch
        {
            JsonObject o when o["text"] is JsonArray a => a,
            JsonArray list => (JsonArray)TextRowReaders.AnswersAsColumns(list, row.Path, row.Location)["text"]!,
            null when !row.Values.ContainsKey(column) => throw Error(EvalDataErrorKind.MissingColumn, row, column, $"missing; the row has {Describe(row.Values)}."),
            var other => throw Error(EvalDataErrorKind.MalformedRow, row, column, $"expected {{\"text\": [...], \"answer_start\": [...]}}, found {TextRowReaders.Kind(other)}."),
        };
        if (texts.Count == 0) throw Error(EvalDataErrorKind.NoAnswer, row, column, "no gold answer: SQuAD v1.1 scoring needs at least one.");
        return texts.Select(t => Text(row, "answers.text", t)).ToArray();
    }

    private static string Describe(JsonObject values) =>
        values.Count == 0 ? "no columns" : "columns " + string.Join(", ", values.Select(kv => kv.Key));

    private static EvalDataException Error(EvalDataErrorKind kind, RawRow row, string column, string message) =>
        new(kind, message, row.Path, row.Location, column);
}
