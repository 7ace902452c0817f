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
        var plan = (tasks ?? TaskCatalog.All).Select(t => (Task: t, Files: SuiteFiles.Find(t, dataDirectory))).ToList();
        if (tasks != null && plan.FirstOrDefault(p => p.Files == null).Task is { } missing)
            throw new EvalDataException(EvalDataErrorKind.NotFound, $"no data for {missing.Name}: looked for {string.Join(", ", SuiteFiles.Patterns(missing))}.", dataDirectory);
        Directory.CreateDirectory(outputDirectory);
        var record = new SuiteRecord
        {
            Requested = tasks?.Select(t => t.Name).ToArray(),
            Tasks = plan.Where(p => p.Files != null).Select(p => p.Task.Name).ToArray(),
            Skipped = plan.Where(p => p.Files == null).Select(p => p.Task.Name).ToArray(),
            Mode = options.Mode.ToString().ToLowerInvariant(),
            Shard = options.Shard,
        };
        string recordPath = Path.Combine(outputDirectory, SuiteRecord.FileName);
        EvalRunner.WriteText(recordPath, record.ToJsonText());

        var outcomes = new List<TaskOutcome>();
        var results = new Dictionary<EvalTask, EvalMetrics>();
        var notes = new List<string>();
        foreach (var (task, files) in plan)
        {
            if (files == null)
            {
                notes.Add(SuiteNotes.Skipped(task));
                outcomes.Add(new TaskOutcome(task, null, null));
                continue;
            }
            onTaskStart?.Invoke(task, files);
            EvalDataset data = EvalDataLoader.Load(task, files);
            var taskOptions = task.IsQa ? options with { Mode = EvalMode.Generate } : options;
            EvalResult result = _runner.Run(data, Path.Combine(outputDirectory, task.Name), taskOptions, progress, cancellationToken);
            results[task.Task] = result.Metrics;
            notes.AddRange(SuiteNotes.Ran(task, options.Mode, Math.Min(options.Limit ?? int.MaxValue, data.Examples.Count), data.Examples.Count));
            outcomes.Add(new TaskOutcome(task, files, result));
        }
        if (options.Shard is { } shard) notes.Add(EvalReport.ShardNote(shard));
        EvalReport.WriteSuite(outputDirectory, results, notes);
        EvalRunner.WriteText(recordPath, (record with { Finished = true }).ToJsonText());
        return outcomes;
    }
}
