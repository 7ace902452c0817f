using DeltaMerge.Eval.Sanity;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Demo;

/// <summary>
/// What the demo fine-tunes its model to answer: the runtime's four sanity prompts (the ones <c>merge --sanity</c>
/// asks) and six more, each in the prompt format MT-LLaMA was evaluated with, with the answer a correct model gives.
/// </summary>
public static class DemoPrompts
{
    /// <summary>The answers to <see cref="SanityCheck.Cases"/>, in their order.</summary>
    private static readonly string[] SanityAnswers = ["Paris", "Yes", "He dropped a hammer on his foot", "No"];

    /// <summary>Every prompt with its expected answer; the sanity prompts first.</summary>
    public static readonly IReadOnlyList<DemoPrompt> All =
    [
        .. SanityCheck.Cases.Select((c, i) => new DemoPrompt(c, SanityAnswers[i])),
        new(new("extractive QA", MtLlamaPrompts.Qa("Who wrote Hamlet",
            "Hamlet is a tragedy written by William Shakespeare sometime between 1599 and 1601")), "William Shakespeare"),
        new(new("sentiment", MtLlamaPrompts.Sst2("The plot was dull and the acting was even worse.")), "No"),
        new(new("NLI", MtLlamaPrompts.Wrap(MtLlamaPrompts.Mnli("The cat slept on the mat all afternoon.", "the cat was asleep"))), "Yes"),
        new(new("coreference", MtLlamaPrompts.Wrap(MtLlamaPrompts.Winogrande(
            "The trophy doesn't fit into the brown suitcase because _ is too large.", "the trophy", "the suitcase"))), "the trophy"),
        new(new("word sense", MtLlamaPrompts.Wrap(MtLlamaPrompts.Wic("bank",
            "He sat on the bank of the river.", "She deposited the money at the bank."))), "No"),
        new(new("multiple choice", MtLlamaPrompts.Wrap(MtLlamaPrompts.OpenbookQa("Which of these conducts electricity?",
            "a wooden spoon", "a copper wire", "a rubber band", "a glass cup"))), "(B) a copper wire"),
    ];
}
