using DeltaMerge.Eval.Scoring;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Eval.Running;

/// <summary>Prompt ids and output text exactly as the authors' scripts make them.</summary>
public sealed class PromptTokens
{
    /// <summary>The id the authors' scripts put first: <c>&lt;/s&gt;</c>, because they set bos_token to it.</summary>
    public const int AuthorsBosId = 2;

    private const string PadToken = "[PAD]";
    private readonly LlamaTokenizer _tokenizer;

    /// <summary>Uses <paramref name="tokenizer"/> with <paramref name="mode"/>'s special tokens.</summary>
    public PromptTokens(LlamaTokenizer tokenizer, SpecialTokens mode)
    {
        _tokenizer = tokenizer;
        Mode = mode;
        var skip = new HashSet<int>();
        if (mode == SpecialTokens.Authors)
        {
            skip.Add(AuthorsBosId);
        }
        else
        {
            skip.Add(tokenizer.BosId);
            skip.Add(tokenizer.EosId);
            skip.Add(tokenizer.UnknownId);
        }
        if (tokenizer.AddedTokens.TryGetValue(PadToken, out int pad)) skip.Add(pad);
        Skip = skip;
        FirstId = mode == SpecialTokens.Authors ? AuthorsBosId : tokenizer.BosId;
    }

    /// <summary>The special-token setup.</summary>
    public SpecialTokens Mode { get; }

    /// <summary>The id every prompt starts with.</summary>
    public int FirstId { get; }

    /// <summary>Ids decoded as nothing (transformers' skip_special_tokens in that setup).</summary>
    public IReadOnlySet<int> Skip { get; }

    /// <summary>
    /// [<see cref="FirstId"/>] + the prompt's ids (no other special token); cut to <paramref name="maxTokens"/> ids keeping
    /// the start when given (the authors' QA truncation).
    /// </summary>
    public List<int> Encode(string prompt, int? maxTokens = null)
    {
        var ids = new List<int> { FirstId };
        ids.AddRange(_tokenizer.Encode(prompt, addBos: false));
        if (maxTokens is int max && ids.Count > max) ids.RemoveRange(max, ids.Count - max);
        return ids;
    }

    /// <summary>
    /// The output text: decode(prompt + generated) minus decode(prompt), both skipping <see cref="Skip"/>; for
    /// classification the first len(decode(prompt)) code points are cut, for QA every occurrence of the decoded prompt is
    /// replaced with nothing; then stripped.
    /// </summary>
    public string OutputText(IReadOnlyList<int> promptIds, IReadOnlyList<int> generated, bool qa)
    {
        string full = _tokenizer.Decode(promptIds.Concat(generated), Skip);
        string prompt = _tokenizer.Decode(promptIds, Skip);
        string rest = qa
            ? (prompt.Length == 0 ? full : full.Replace(prompt, "", StringComparison.Ordinal)) // Python: s.replace("", "") is s
            : PyText.SliceFrom(full, PyText.Length(prompt));
        return PyText.Strip(rest);
    }
}
