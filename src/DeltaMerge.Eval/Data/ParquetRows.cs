using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.IO;
using Parquet;
using Parquet.Serialization;

namespace DeltaMerge.Eval.Data;

/// <summary>
/// Reads a Hugging Face Parquet file with Parquet.Net's untyped deserializer: columns become JSON values, structs
/// objects and lists arrays (so answers{text, answer_start} arrive as {"text": [...], "answer_start": [...]}).
/// </summary>
internal static class ParquetRows
{
    public static List<RawRow> Read(string path)
    {
        List<IDictionary<string, object?>> data;
        // Opened outside the catch below: a FIFO or unreadable file is an I/O error, not a Parquet one.
        using var stream = RegularFile.OpenStream(path);
        try
        {
            // (Not a Parquet file is an IOException from Parquet.Net: still a data error here.)
            // Parquet.Net is async-only; the loader is synchronous and runs once per file.
            ParquetBounds.CheckFooter(stream, path);
            var footer = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
            try
            {
                ParquetBounds.Check(footer, stream.Length, path);
                ParquetBounds.CheckPages(footer, stream, path);
            }
            finally { footer.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            stream.Position = 0;
            var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
            data = result.Data.Select(r => (IDictionary<string, object?>)r).ToList();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or UnauthorizedAccessException or EvalDataException))
        {
            throw new EvalDataException(EvalDataErrorKind.Parquet, $"Parquet.Net could not read the file: {e.Message}", path, inner: e);
        }
        var rows = new List<RawRow>(data.Count);
        for (int i = 0; i < data.Count; i++) rows.Add(new RawRow(ToJson(data[i]), path, $"row {i}"));
        return rows;
    }

    /// <summary>Writes the row as JSON text and parses it back, so every value is a plain JSON value like the text formats'.</summary>
    private static JsonObject ToJson(IDictionary<string, object?> row)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, row);
        return JsonNode.Parse(Encoding.UTF8.GetString(buffer.ToArray()))!.AsObject();
    }

    private static void Write(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case ReadOnlyMemory<char> m: // how Parquet.Net's untyped deserializer gives strings
                w.WriteStringValue(m.Span);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                w.WriteNumberValue(u);
                break;
            case float or double or decimal:
                w.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                w.WriteStringValue(Encoding.UTF8.GetString(bytes)); // a binary column without the string annotation
                break;
            case IDictionary<string, object?> map:
                w.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    w.WritePropertyName(key);
                    Write(w, item);
                }
                w.WriteEndObject();
                break;
            case IDictionary dict:
                w.WriteStartObject();
                foreach (DictionaryEntry e in dict)
                {
                    w.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(w, e.Value);
                }
                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (object? item in list) Write(w, item);
                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
