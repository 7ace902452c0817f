using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Reporting;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Runtime;

namespace DeltaMerge.Eval.Running;

/// <summary>Runs every task whose data is found in a directory, each into OUT/&lt;task&gt;/, and writes OUT/report.md.</summary>
public sealed class EvalSuite
{
    private readonly EvalRunner _runner;

    /// <summary>Evaluates with <paramref name="session"/>.</summary>
    public EvalSuite(ModelSession session) => _runner = new EvalRunner(session);

    /// <summary>What happened to one task.</summary>
    /// <param name="Task">The task.</param>
    /// <param name="Files">Its data files, or null when none was found.</param>
    /// <param name="Result">The evaluation, or null when skipped.</param>
    public sealed record TaskOutcome(TaskSpec Task, IReadOnlyList<string>? Files, EvalResult? Result);

    /// <summary>
    /// Runs <paramref name="tasks"/> (default: all) found in <paramref name="dataDirectory"/>. A task named explicitly whose
    /// data is missing is an error; an unnamed one is skipped and noted in the report.
    /// </summary>
    /// <exception cref="EvalDataException">Missing data for a named task, or bad data.</exception>
    public IReadOnlyList<TaskOutcome> Run(string dataDirectory, string outputDirectory, EvalOptions options, IReadOnlyList<TaskSpec>? tasks = null,
        Action<TaskSpec, IReadOnlyList<string>>? onTaskStart = null, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(dataDirectory)) throw new EvalDataException(EvalDataErrorKind.NotFound, "no such directory.", dataDirectory);
        bool named = tasks != null;
        var outcomes = new List<TaskOutcome>();
        var results = new Dictionary<EvalTask, EvalMetrics>();
        var notes = new List<string>();
        foreach (TaskSpec task in tasks ?? TaskCatalog.All)
        {
            IReadOnlyList<string>? files = SuiteFiles.Find(task, dataDirectory);
            if (files == null)
            {
                if (named) throw new EvalDataException(EvalDataErrorKind.NotFound,
                    $"no data for {task.Name}: looked for {string.Join(", ", SuiteFiles.Patterns(task))}.", dataDirectory);
                notes.Add($"{task.DisplayName}: no data file found in the data directory; skipped.");
                outcomes.Add(new TaskOutcome(task, null, null));
                continue;
            }
            if (task.IsQa && options.Mode == EvalMode.Rank) notes.Add($"{task.DisplayName}: rank mode does not apply to QA; generated instead.");
            onTaskStart?.Invoke(task, files);
            EvalDataset data = EvalDataLoader.Load(task, files);
            var taskOptions = task.IsQa ? options with { Mode = EvalMode.Generate } : options;
            EvalResult result = _runner.Run(data, Path.Combine(outputDirectory, task.Name), taskOptions, progress, cancellationToken);
            results[task.Task] = result.Metrics;
            if (result.Metrics.N < data.Examples.Count) notes.Add($"{task.DisplayName}: first {result.Metrics.N} of {data.Examples.Count} examples only (--limit).");
            outcomes.Add(new TaskOutcome(task, files, result));
        }
        EvalReport.WriteSuite(outputDirectory, results, notes);
        return outcomes;
    }
}
