using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Eval.Running;

/// <summary>predictions.jsonl: one JSON object per line, written as each example finishes (so a run can be resumed).</summary>
internal static class PredictionsFile
{
    public const string FileName = "predictions.jsonl";

    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToLine(PredictionRecord r)
    {
        var o = new JsonObject
        {
            ["index"] = r.Index,
            ["prompt"] = r.Prompt,
            ["output"] = r.Output,
            ["prediction"] = r.Prediction switch
            {
                int i => JsonValue.Create(i),
                bool b => JsonValue.Create(b),
                string s => JsonValue.Create(s),
                var other => throw new InvalidOperationException($"unexpected prediction type {other.GetType().Name}"),
            },
        };
        if (r.Correct is bool correct) o["correct"] = correct;
        else
        {
            o["f1"] = r.F1;
            o["exact_match"] = r.ExactMatch;
        }
        return o.ToJsonString(Json);
    }

    /// <summary>
    /// Reads the complete lines of an existing file; an unterminated or unparsable last line (an interrupted write) is
    /// dropped and the file truncated to the lines kept.
    /// </summary>
    public static List<(JsonObject Line, int LineNumber)> ReadForResume(string path)
    {
        var kept = new List<(JsonObject, int)>();
        if (!File.Exists(path)) return kept;
        string text = RegularFile.ReadAllText(path);
        string[] lines = text.Split('\n');
        long keptBytes = 0;
        // The piece after the last newline is empty, or half a line from an interrupted write: dropped.
        for (int i = 0; i < lines.Length - 1; i++)
        {
            JsonObject o;
            try
            {
                o = StrictJson.Parse(lines[i]) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw new EvalDataException(EvalDataErrorKind.ResumeMismatch, $"not a prediction record ({e.Message}); delete the file or run without --resume.", path, $"line {i + 1}", inner: e);
            }
            kept.Add((o, i + 1));
            keptBytes += Encoding.UTF8.GetByteCount(lines[i]) + 1;
        }
        if (keptBytes != new FileInfo(path).Length)
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
            f.SetLength(keptBytes);
        }
        return kept;
    }
}
