namespace DeltaMerge.Eval;

/// <summary>The eleven zero-shot tasks of MT-LLaMA's model card.</summary>
public enum EvalTask
{
    /// <summary>COPA (super_glue/copa): cause or effect, two options, chosen by quick-ratio.</summary>
    Copa,
    /// <summary>Winogrande: two options, chosen by quick-ratio.</summary>
    Winogrande,
    /// <summary>WiC (super_glue/wic): same meaning or not.</summary>
    Wic,
    /// <summary>MNLI (glue/mnli, matched): entailment, neutral, contradiction.</summary>
    Mnli,
    /// <summary>RTE (super_glue/rte): entailment or not.</summary>
    Rte,
    /// <summary>OpenbookQA: four choices.</summary>
    OpenbookQa,
    /// <summary>SST-2 (glue/sst2): positive or negative.</summary>
    Sst2,
    /// <summary>SQuAD v1.1 (dev-v1.1.json).</summary>
    Squad,
    /// <summary>XQuAD, English (xquad.en.json).</summary>
    Xquad,
    /// <summary>TyDiQA gold passage, English (tydiqa.goldp.en.dev.json).</summary>
    TydiQa,
    /// <summary>MLQA, English context and question (test-context-en-question-en.json), scored with MLQA's script.</summary>
    Mlqa,
}
