namespace DeltaMerge.Eval.Data;

/// <summary>How a file writes its gold labels; predictions are written back the same way.</summary>
public enum LabelStyle
{
    /// <summary>A JSON or Parquet integer (Hugging Face ClassLabel: glue/sst2 1 = positive).</summary>
    Integer,
    /// <summary>An integer written as text (GLUE SST-2 TSV "1").</summary>
    IntegerText,
    /// <summary>A JSON boolean (the original WiC files).</summary>
    Boolean,
    /// <summary>A name (GLUE TSV "entailment", Winogrande "1"/"2", OpenbookQA "A"-"D").</summary>
    Name,
}
