using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Runtime;
using DeltaMerge.Runtime.Generation;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Eval.Sanity;

/// <summary>
/// The post-merge smoke test: one built-in zero-shot prompt for each of four MT-LLaMA task formats (extractive QA,
/// sentiment, sentence completion, NLI), decoded as the authors' evaluation decodes (prompt starting with id 2
/// <c>&lt;/s&gt;</c>, greedy, at most 64 new tokens, stop at the newline token).
/// </summary>
public static class SanityCheck
{
    /// <summary>One built-in prompt.</summary>
    /// <param name="Task">Task format.</param>
    /// <param name="Prompt">The exact prompt text.</param>
    public sealed record Case(string Task, string Prompt);

    /// <summary>The four prompts.</summary>
    public static readonly IReadOnlyList<Case> Cases =
    [
        new("extractive QA", MtLlamaPrompts.Qa("Where is the Eiffel Tower",
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. It is named after the engineer Gustave Eiffel")),
        new("sentiment", MtLlamaPrompts.Sst2("This movie was a delight from start to finish, with a warm script and wonderful actors.")),
        new("sentence completion", MtLlamaPrompts.Wrap(MtLlamaPrompts.Copa("The man broke his toe.", "cause", "He dropped a hammer on his foot", "He got a hole in his sock"))),
        new("NLI", MtLlamaPrompts.Wrap(MtLlamaPrompts.Rte("Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44.", "Christopher Reeve had an accident."))),
    ];

    /// <summary>A case's outcome.</summary>
    /// <param name="Case">The prompt.</param>
    /// <param name="Answer">The stripped answer text.</param>
    /// <param name="Result">The generation.</param>
    public sealed record Outcome(Case Case, string Answer, GenerationResult Result);

    /// <summary>Runs every built-in case on <paramref name="session"/>.</summary>
    public static IReadOnlyList<Outcome> Run(ModelSession session, CancellationToken cancellationToken = default) =>
        Run(session, Cases, cancellationToken);

    /// <summary>Runs <paramref name="cases"/> on <paramref name="session"/>, each decoded as the authors' evaluation decodes.</summary>
    public static IReadOnlyList<Outcome> Run(ModelSession session, IReadOnlyList<Case> cases, CancellationToken cancellationToken = default)
    {
        var options = new GenerationOptions { MaxNewTokens = MaxNewTokens, StopTokenIds = [session.NewlineTokenId()] };
        var skip = new HashSet<int> { session.Tokenizer.EosId, session.Tokenizer.BosId };
        var outcomes = new List<Outcome>();
        foreach (var c in cases)
        {
            var ids = PromptIds(session.Tokenizer, c.Prompt);
            // Keep the start when a (small test) model's context cannot hold prompt and answer, as the authors'
            // evaluation truncates long QA inputs.
            int room = session.Runtime.Config.MaxPositions - options.MaxNewTokens;
            if (ids.Count > room && room > 1) ids.RemoveRange(room, ids.Count - room);
            var result = session.Generator.Generate(ids, options, null, skip, cancellationToken);
            outcomes.Add(new Outcome(c, result.Text.Trim(), result));
        }
        return outcomes;
    }

    /// <summary>Most tokens an answer may take.</summary>
    public const int MaxNewTokens = 64;

    /// <summary>The ids a prompt is decoded from: the authors' evaluation starts every prompt with id 2 (<c>&lt;/s&gt;</c>), not <c>&lt;s&gt;</c>.</summary>
    public static List<int> PromptIds(LlamaTokenizer tokenizer, string prompt) =>
        new PromptTokens(tokenizer, SpecialTokens.Authors).Encode(prompt);
}
