using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Sharding;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Formats.Integrity;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// run.json: what identifies one task's run (task, protocol options, data, model) and, for a shard, which shard and
/// which examples it holds, and whether it finished. --resume checks it; eval-merge requires the shards' records to
/// agree in everything but <see cref="Shard"/> and <see cref="Finished"/> (and the model's path).
/// </summary>
public sealed record RunRecord
{
    /// <summary>The task's name.</summary>
    public required string Task { get; init; }

    /// <summary>generate or rank.</summary>
    public required string Mode { get; init; }

    /// <summary>authors or model.</summary>
    public required string SpecialTokens { get; init; }

    /// <summary>The data files read, in order.</summary>
    public required IReadOnlyList<string> Data { get; init; }

    /// <summary>Examples in the data.</summary>
    public required int Examples { get; init; }

    /// <summary>--limit, or null.</summary>
    public int? Limit { get; init; }

    /// <summary>Most generated tokens.</summary>
    public required int MaxNewTokens { get; init; }

    /// <summary>QA prompt cut (ids).</summary>
    public required int MaxQaPromptTokens { get; init; }

    /// <summary>The data's format.</summary>
    public required DataFormat Format { get; init; }

    /// <summary>SHA-256 over the data files' own SHA-256s, in order.</summary>
    public required string DataSha256 { get; init; }

    /// <summary>The model, when the caller said which (the CLI always does).</summary>
    public ModelIdentity? Model { get; init; }

    /// <summary>The shard and its examples [Start, End), or null for a whole run.</summary>
    public ShardRange? Shard { get; init; }

    /// <summary>Whether metrics.json and report.md were written (false while running, or after an interruption).</summary>
    public bool Finished { get; init; }

    /// <summary>A shard and the examples it holds.</summary>
    /// <param name="Spec">K/N.</param>
    /// <param name="Start">First example index.</param>
    /// <param name="End">One past the last example index.</param>
    public sealed record ShardRange(ShardSpec Spec, int Start, int End);

    /// <summary>Examples run: the first min(limit, examples).</summary>
    public int Total => Math.Min(Limit ?? int.MaxValue, Examples);

    /// <summary>The record of a run of <paramref name="data"/> with <paramref name="options"/> (not yet finished).</summary>
    public static RunRecord For(EvalDataset data, EvalOptions options, int total) => new()
    {
        Task = data.Task.Name,
        Mode = Lower(options.Mode),
        SpecialTokens = Lower(options.SpecialTokens),
        Data = data.Files,
        Examples = data.Examples.Count,
        Limit = options.Limit,
        MaxNewTokens = options.MaxNewTokens,
        MaxQaPromptTokens = options.MaxQaPromptTokens,
        Format = data.Format,
        DataSha256 = DataDigest(data.Files),
        Model = options.Model,
        Shard = options.Shard is { } s ? RangeOf(s, total) : null,
    };

    /// <summary>One digest of the data files' contents, in order (what <see cref="DataSha256"/> records).</summary>
    public static string DataDigest(IReadOnlyList<string> files) =>
        ModelIdentity.Digest(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => Sha256Sums.HashFile(f) + "\n"))));

    /// <summary>The shard's range of <paramref name="total"/> examples.</summary>
    public static ShardRange RangeOf(ShardSpec spec, int total)
    {
        var (start, end) = spec.Range(total);
        return new ShardRange(spec, start, end);
    }

    /// <summary>The options that reproduce this run (for the report of a merged run).</summary>
    public EvalOptions Options() => new()
    {
        Mode = Enum.Parse<EvalMode>(Mode, ignoreCase: true),
        SpecialTokens = Enum.Parse<SpecialTokens>(SpecialTokens, ignoreCase: true),
        Limit = Limit,
        MaxNewTokens = MaxNewTokens,
        MaxQaPromptTokens = MaxQaPromptTokens,
        Model = Model,
    };

    /// <summary>
    /// The first thing that makes <paramref name="other"/> another run than this one (ignoring the shard index, range,
    /// progress and the model's path), or null when they are shards of the same run.
    /// </summary>
    public string? DifferenceFrom(RunRecord other)
    {
        (string Name, string? Mine, string? Theirs)[] fields =
        [
            ("task", Task, other.Task), ("mode", Mode, other.Mode), ("special tokens", SpecialTokens, other.SpecialTokens),
            ("limit", Text(Limit), Text(other.Limit)), ("max new tokens", Text(MaxNewTokens), Text(other.MaxNewTokens)),
            ("QA prompt limit", Text(MaxQaPromptTokens), Text(other.MaxQaPromptTokens)),
            ("data files", string.Join(", ", Data), string.Join(", ", other.Data)), ("data SHA-256", DataSha256, other.DataSha256),
            ("examples", Text(Examples), Text(other.Examples)), ("model SHA-256", Model?.Sha256, other.Model?.Sha256),
            ("shard count", Text(Shard?.Spec.Count), Text(other.Shard?.Spec.Count)),
        ];
        foreach (var (name, mine, theirs) in fields)
            if (mine != theirs) return $"{name} {mine ?? "(none)"} vs {theirs ?? "(none)"}";
        return null;
    }

    /// <summary>The run.json text (indented, newline-terminated).</summary>
    public string ToJsonText()
    {
        var o = new JsonObject
        {
            ["task"] = Task,
            ["mode"] = Mode,
            ["special_tokens"] = SpecialTokens,
            ["data"] = new JsonArray(Data.Select(f => JsonValue.Create(f)).ToArray<JsonNode?>()),
            ["examples"] = Examples,
            ["limit"] = Limit,
            ["max_new_tokens"] = MaxNewTokens,
            ["max_qa_prompt_tokens"] = MaxQaPromptTokens,
            ["format"] = Format.ToString(),
            ["data_sha256"] = DataSha256,
        };
        if (Model != null) o["model"] = new JsonObject { ["path"] = Model.Path, ["sha256"] = Model.Sha256, ["from"] = Model.Source };
        if (Shard != null)
            o["shard"] = new JsonObject { ["index"] = Shard.Spec.Index, ["count"] = Shard.Spec.Count, ["start"] = Shard.Start, ["end"] = Shard.End };
        o["finished"] = Finished;
        return o.ToJsonString(Indented) + "\n";
    }

    /// <summary>Parses run.json as <see cref="ToJsonText"/> writes it.</summary>
    /// <exception cref="FormatException">A field is missing or has the wrong type (the message names it).</exception>
    public static RunRecord Parse(JsonObject o)
    {
        var fields = new JsonFields(o);
        JsonObject? model = fields.ObjectOrNull("model"), shard = fields.ObjectOrNull("shard");
        string format = fields.Text("format");
        return new RunRecord
        {
            Task = fields.Text("task"),
            Mode = fields.Text("mode"),
            SpecialTokens = fields.Text("special_tokens"),
            Data = fields.Texts("data"),
            Examples = fields.Integer("examples"),
            Limit = fields.IntegerOrNull("limit"),
            MaxNewTokens = fields.Integer("max_new_tokens"),
            MaxQaPromptTokens = fields.Integer("max_qa_prompt_tokens"),
            Format = Enum.TryParse<DataFormat>(format, out var f) && Enum.IsDefined(f) ? f : throw new FormatException($"\"format\" '{format}' is not a known data format."),
            DataSha256 = fields.Text("data_sha256"),
            Model = model is null ? null : new ModelIdentity(new JsonFields(model).Text("path"), new JsonFields(model).Text("sha256"), new JsonFields(model).Text("from")),
            Shard = shard is null ? null : ParseShard(new JsonFields(shard)),
            Finished = fields.Boolean("finished"),
        };
    }

    /// <summary>Settings for the JSON files of a run.</summary>
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static ShardRange ParseShard(JsonFields s)
    {
        ShardSpec spec;
        try
        {
            spec = ShardSpec.Create(s.Integer("index"), s.Integer("count"), "\"shard\"");
        }
        catch (ShardSelectionException e)
        {
            throw new FormatException(e.Message, e);
        }
        return new ShardRange(spec, s.Integer("start"), s.Integer("end"));
    }

    private static string? Text(int? v) => v?.ToString(CultureInfo.InvariantCulture);

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLower(CultureInfo.InvariantCulture);
}
