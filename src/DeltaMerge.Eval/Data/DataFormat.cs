namespace DeltaMerge.Eval.Data;

/// <summary>The file formats the loader reads.</summary>
public enum DataFormat
{
    /// <summary>Hugging Face Parquet (one file, or every *.parquet of a directory in name order).</summary>
    Parquet,
    /// <summary>JSON Lines with Hugging Face column names (also a .json file holding one JSON array of rows).</summary>
    JsonLines,
    /// <summary>SQuAD v1.1 nested JSON: data, paragraphs, qas (SQuAD, XQuAD, TyDiQA, MLQA).</summary>
    SquadJson,
    /// <summary>GLUE TSV with a header line (SST-2 dev.tsv, MNLI dev_matched.tsv, RTE dev.tsv).</summary>
    GlueTsv,
}
