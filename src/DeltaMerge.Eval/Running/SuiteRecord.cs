using System.Text.Json.Nodes;
using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// suite.json, beside an eval-suite run's report.md: which tasks were asked for, run and skipped, the mode, the shard
/// (for a sharded run) and whether the suite finished. Each task's own <see cref="RunRecord"/> is in OUT/&lt;task&gt;/run.json.
/// eval-merge rebuilds the suite report from it.
/// </summary>
public sealed record SuiteRecord
{
    /// <summary>suite.json.</summary>
    public const string FileName = "suite.json";

    /// <summary>The tasks named with --tasks, in that order, or null for every task of the catalog.</summary>
    public IReadOnlyList<string>? Requested { get; init; }

    /// <summary>The tasks whose data was found (run), in run order.</summary>
    public required IReadOnlyList<string> Tasks { get; init; }

    /// <summary>The tasks without data (skipped).</summary>
    public required IReadOnlyList<string> Skipped { get; init; }

    /// <summary>The suite's mode (QA tasks are generated whatever it is).</summary>
    public required string Mode { get; init; }

    /// <summary>The shard, or null for a whole run.</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>Whether every task and the report were written.</summary>
    public bool Finished { get; init; }

    /// <summary>The first difference from <paramref name="other"/> other than the shard index and progress, or null.</summary>
    public string? DifferenceFrom(SuiteRecord other)
    {
        (string Name, string Mine, string Theirs)[] fields =
        [
            ("requested tasks", Names(Requested), Names(other.Requested)), ("tasks run", Names(Tasks), Names(other.Tasks)),
            ("skipped tasks", Names(Skipped), Names(other.Skipped)), ("mode", Mode, other.Mode),
            ("shard count", Shard?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)",
                other.Shard?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"),
        ];
        foreach (var (name, mine, theirs) in fields)
            if (mine != theirs) return $"{name} {mine} vs {theirs}";
        return null;
    }

    /// <summary>The suite.json text (indented, newline-terminated).</summary>
    public string ToJsonText()
    {
        var o = new JsonObject
        {
            ["requested"] = Requested is null ? null : Array(Requested),
            ["tasks"] = Array(Tasks),
            ["skipped"] = Array(Skipped),
            ["mode"] = Mode,
        };
        if (Shard != null) o["shard"] = new JsonObject { ["index"] = Shard.Index, ["count"] = Shard.Count };
        o["finished"] = Finished;
        return o.ToJsonString(RunRecord.Indented) + "\n";
    }

    /// <summary>Parses suite.json as <see cref="ToJsonText"/> writes it.</summary>
    /// <exception cref="FormatException">A field is missing or has the wrong type.</exception>
    public static SuiteRecord Parse(JsonObject o)
    {
        var fields = new JsonFields(o);
        JsonObject? shard = fields.ObjectOrNull("shard");
        ShardSpec? spec;
        try
        {
            spec = shard is null ? null : ShardSpec.Create(new JsonFields(shard).Integer("index"), new JsonFields(shard).Integer("count"), "\"shard\"");
        }
        catch (ShardSelectionException e)
        {
            throw new FormatException(e.Message, e);
        }
        return new SuiteRecord
        {
            Requested = o["requested"] is null ? null : fields.Texts("requested"),
            Tasks = fields.Texts("tasks"),
            Skipped = fields.Texts("skipped"),
            Mode = fields.Text("mode"),
            Shard = spec,
            Finished = fields.Boolean("finished"),
        };
    }

    private static JsonArray Array(IEnumerable<string> names) => new(names.Select(n => JsonValue.Create(n)).ToArray<JsonNode?>());

    private static string Names(IReadOnlyList<string>? names) => names is null ? "(all)" : string.Join(",", names);
}
