namespace DeltaMerge.Fuzz;

/// <summary>Replays saved inputs (a corpus, crash files) through a target and reports every contract violation.</summary>
internal static class Replay
{
    /// <summary>The files under <paramref name="paths"/> (files, or directories searched recursively), in a stable order.</summary>
    public static IEnumerable<string> Inputs(IEnumerable<string> paths) => paths
        .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
        .Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "README.md")
        .Order(StringComparer.Ordinal);

    /// <summary>Runs each input; returns 0 when all keep the contract, else 1 after naming each violation.</summary>
    public static int Run(FuzzTarget target, IEnumerable<string> paths, TextWriter report)
    {
        int inputs = 0, violations = 0;
        foreach (string file in Inputs(paths))
        {
            inputs++;
            try
            {
                FuzzContract.Run(target, File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                violations++;
                report.WriteLine($"{file}: {e}"); // the stack trace locates the bug
            }
        }
        report.WriteLine($"{target.Name}: {inputs} inputs, {violations} contract violations");
        return violations == 0 ? 0 : 1;
    }
}
