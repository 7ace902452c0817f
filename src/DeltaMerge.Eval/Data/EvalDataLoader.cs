using DeltaMerge.Eval.Tasks;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Eval.Data;

/// <summary>
/// Loads a task's examples from Hugging Face Parquet, JSON Lines (Hugging Face column names), SQuAD v1.1 JSON or GLUE
/// TSV, chosen by extension (.parquet, .jsonl, .json, .tsv) or, for a directory, its *.parquet files in name order.
/// </summary>
public static class EvalDataLoader
{
    /// <summary>Loads <paramref name="path"/> for <paramref name="task"/>.</summary>
    /// <exception cref="EvalDataException">Missing, unreadable, malformed or unlabeled data (the message names file, row and column).</exception>
    public static EvalDataset Load(TaskSpec task, string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            string[] shards = Directory.GetFiles(full, "*.parquet").Order(StringComparer.Ordinal).ToArray();
            if (shards.Length == 0) throw new EvalDataException(EvalDataErrorKind.NotFound, "the directory has no *.parquet file.", full);
            return Load(task, shards);
        }
        return Load(task, [full]);
    }

    /// <summary>Loads and concatenates <paramref name="files"/> (all of one format) for <paramref name="task"/>.</summary>
    /// <exception cref="EvalDataException">As <see cref="Load(TaskSpec, string)"/>.</exception>
    public static EvalDataset Load(TaskSpec task, IReadOnlyList<string> files)
    {
        if (files.Count == 0) throw new ArgumentException("No file given.", nameof(files));
        var rows = new List<RawRow>();
        DataFormat? format = null;
        foreach (string file in files.Select(f => System.IO.Path.GetFullPath(f)))
        {
            if (!File.Exists(file)) throw new EvalDataException(EvalDataErrorKind.NotFound, "no such file.", file);
            var (f, fileRows) = ReadRows(file);
            if (format != null && f != format) throw new EvalDataException(EvalDataErrorKind.UnknownFormat, $"is {f}, the files before it {format}.", file);
            format = f;
            if (fileRows.Count == 0) throw new EvalDataException(EvalDataErrorKind.EmptyFile, "the file has no examples.", file);
            rows.AddRange(fileRows);
        }
        var examples = new List<EvalExample>(rows.Count);
        for (int i = 0; i < rows.Count; i++) examples.Add(ExampleReader.Read(task, rows[i], i));
        return new EvalDataset(task, files.Select(f => System.IO.Path.GetFullPath(f)).ToArray(), format!.Value, examples);
    }

    private static (DataFormat Format, List<RawRow> Rows) ReadRows(string file)
    {
        string ext = System.IO.Path.GetExtension(file).ToLowerInvariant();
        RegularFile.Require(file); // a FIFO's length is 0 too: say what it is, not that it is empty
        if (new FileInfo(file).Length == 0) throw new EvalDataException(EvalDataErrorKind.EmptyFile, "the file is empty.", file);
        return ext switch
        {
            ".parquet" => (DataFormat.Parquet, ParquetRows.Read(file)),
            ".jsonl" => (DataFormat.JsonLines, TextRowReaders.ReadJsonLines(file)),
            ".json" => TextRowReaders.ReadJson(file),
            ".tsv" => (DataFormat.GlueTsv, TextRowReaders.ReadTsv(file)),
            _ => throw new EvalDataException(EvalDataErrorKind.UnknownFormat, $"unknown extension '{ext}': expected .parquet, .jsonl, .json or .tsv.", file),
        };
    }
}
