using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// Where eval-suite looks for each task's data inside --data-dir: conventional names, first match wins (docs/eval.md
/// lists them). A pattern with '*' is a glob in its directory whose matches are loaded together in name order.
/// </summary>
public static class SuiteFiles
{
    private static readonly Dictionary<EvalTask, string[]> Extra = new()
    {
        // The authors' file names (SQuAD-format JSON and GLUE TSV), as their scripts read them.
        [EvalTask.Squad] = ["squad/dev-v1.1.json", "dev-v1.1.json"],
        [EvalTask.Xquad] = ["xquad/xquad.en.json", "xquad.en.json"],
        [EvalTask.TydiQa] = ["tydiqa/tydiqa.goldp.en.dev.json", "tydiqa.goldp.en.dev.json"],
        [EvalTask.Mlqa] = ["mlqa/test-context-en-question-en.json", "test-context-en-question-en.json"],
        [EvalTask.Sst2] = ["SST-2/dev.tsv"],
        // Hugging Face glue/mnli names its matched validation split validation_matched.
        [EvalTask.Mnli] = ["mnli/validation_matched-*.parquet", "mnli/validation_matched.jsonl", "MNLI/dev_matched.tsv"],
        [EvalTask.Rte] = ["RTE/dev.tsv"],
    };

    private static readonly Dictionary<EvalTask, string[]> Aliases = new()
    {
        [EvalTask.OpenbookQa] = ["openbookqa", "obqa"],
        [EvalTask.Sst2] = ["sst2", "sst-2"],
        [EvalTask.Mnli] = ["mnli", "mnli_matched"],
    };

    /// <summary>The patterns tried for <paramref name="task"/>, in order.</summary>
    public static IReadOnlyList<string> Patterns(TaskSpec task)
    {
        var patterns = new List<string>();
        foreach (string a in Aliases.GetValueOrDefault(task.Task) ?? [task.Name])
        {
            patterns.AddRange([$"{a}.parquet", $"{a}.jsonl", $"{a}.json", $"{a}.tsv", $"{a}/validation-*.parquet", $"{a}/validation.jsonl", $"{a}/validation.json"]);
        }
        patterns.AddRange(Extra.GetValueOrDefault(task.Task) ?? []);
        return patterns;
    }

    /// <summary>The files of <paramref name="task"/> in <paramref name="dataDirectory"/>, or null when none is there.</summary>
    public static IReadOnlyList<string>? Find(TaskSpec task, string dataDirectory)
    {
        foreach (string pattern in Patterns(task))
        {
            string path = Path.Combine(dataDirectory, pattern.Replace('/', Path.DirectorySeparatorChar));
            string name = Path.GetFileName(path);
            if (!name.Contains('*', StringComparison.Ordinal))
            {
                if (File.Exists(path)) return [path];
                continue;
            }
            string? dir = Path.GetDirectoryName(path);
            if (dir == null || !Directory.Exists(dir)) continue;
            string[] matches = Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToArray();
            if (matches.Length > 0) return matches;
        }
        return null;
    }
}
