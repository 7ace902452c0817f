using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>tests/fixtures/eval: hand-written data files and scripts/fixtures/eval_scoring.py's expectations.</summary>
internal static class EvalFixtures
{
    public static string Dir => Path.Combine(RepoPaths.Fixtures, "eval");

    public static string File(string name) => Path.Combine(Dir, name);

    public static string Bad(string name) => Path.Combine(Dir, "bad", name);

    public static JsonNode Expected(string name) => JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(Dir, "expected", name)))!;

    public static TaskSpec Task(string name) => TaskCatalog.TryParse(name, out var spec) ? spec : throw new ArgumentException(name);

    public static EvalDataset Load(string task, string file) => EvalDataLoader.Load(Task(task), File(file));

    public static IEnumerable<JsonObject> Objects(JsonNode? array) => array!.AsArray().Select(n => n!.AsObject());

    public static string Str(JsonNode? n) => n!.GetValue<string>();

    public static T Get<T>(JsonNode? n) => n!.GetValue<T>();

    public static string Pretty(object o) => JsonSerializer.Serialize(o);
}
