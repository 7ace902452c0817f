namespace DeltaMerge.Eval.Data;

/// <summary>An evaluation data file is missing, malformed or does not fit the task; says which file, where and what.</summary>
public sealed class EvalDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Which check failed.</param>
    /// <param name="message">What, where, expected vs found.</param>
    /// <param name="path">The file.</param>
    /// <param name="location">"line 3", "row 2", or null.</param>
    /// <param name="column">The column, or null.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public EvalDataException(EvalDataErrorKind kind, string message, string? path = null, string? location = null, string? column = null, Exception? inner = null)
        : base(Compose(message, path, location, column), inner)
    {
        Kind = kind;
        Path = path;
        Location = location;
        Column = column;
    }

    /// <summary>Which check failed.</summary>
    public EvalDataErrorKind Kind { get; }

    /// <summary>The file, if known.</summary>
    public string? Path { get; }

    /// <summary>"line N" (1-based, JSON Lines and TSV) or "row N" (0-based example, Parquet and SQuAD JSON), if known.</summary>
    public string? Location { get; }

    /// <summary>The column, if the error is about one.</summary>
    public string? Column { get; }

    private static string Compose(string message, string? path, string? location, string? column)
    {
        var where = new List<string>();
        if (path != null) where.Add(path);
        if (location != null) where.Add(location);
        if (column != null) where.Add($"column '{column}'");
        return where.Count == 0 ? message : $"{string.Join(", ", where)}: {message}";
    }
}
