namespace DeltaMerge.Eval.Data;

/// <summary>What is wrong with an evaluation data file; one member per check.</summary>
public enum EvalDataErrorKind
{
    /// <summary>The file (or directory) does not exist or no file of a known format was found.</summary>
    NotFound,
    /// <summary>The extension or content is not one of the supported formats.</summary>
    UnknownFormat,
    /// <summary>The file has no examples.</summary>
    EmptyFile,
    /// <summary>A line of a JSON Lines file (or the whole JSON file) is not valid JSON.</summary>
    MalformedJson,
    /// <summary>A row is not an object, a TSV line has fewer fields than its header, or a nested value has the wrong shape.</summary>
    MalformedRow,
    /// <summary>A column the task needs is missing.</summary>
    MissingColumn,
    /// <summary>A column has a value of the wrong type or one outside the task's set (a label, COPA's question).</summary>
    BadValue,
    /// <summary>The gold label is missing (-1, as in the test splits): the example cannot be scored.</summary>
    Unlabeled,
    /// <summary>A QA example has no gold answer (SQuAD v1.1 scoring needs one).</summary>
    NoAnswer,
    /// <summary>--resume found a predictions.jsonl that belongs to another task, mode or data file.</summary>
    ResumeMismatch,
    /// <summary>The Parquet reader rejected the file.</summary>
    Parquet,
}
