namespace DeltaMerge.Eval.Tasks;

/// <summary>Which official script scores an extractive-QA task.</summary>
public enum QaScoring
{
    /// <summary>SQuAD v1.1's evaluate-v1.1.py (the authors' squad_evaluation_v1.py).</summary>
    SquadV1,
    /// <summary>MLQA's mlqa_evaluation_v1.py with language "en".</summary>
    MlqaEnglish,
}
