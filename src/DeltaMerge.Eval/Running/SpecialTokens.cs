namespace DeltaMerge.Eval.Running;

/// <summary>Which special tokens frame a prompt.</summary>
public enum SpecialTokens
{
    /// <summary>The authors' setup: prompts start with id 2 (<c>&lt;/s&gt;</c>); decoding skips <c>&lt;/s&gt;</c> and <c>[PAD]</c>.</summary>
    Authors,
    /// <summary>The tokenizer's own: prompts start with its BOS; decoding skips BOS, EOS, unknown and <c>[PAD]</c>.</summary>
    Model,
}
