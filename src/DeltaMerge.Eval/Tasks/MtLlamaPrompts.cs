namespace DeltaMerge.Eval.Tasks;

/// <summary>
/// MT-LLaMA's published zero-shot prompt formats and the evaluation's conversation wrapper, byte for byte
/// (docs/mt-llama-protocol.md): the model was evaluated with exactly these strings. Owned by the evaluation; the
/// post-merge sanity check and the chat wrapper use them from here.
/// </summary>
public static class MtLlamaPrompts
{
    /// <summary>FastChat "one-shot" system text, followed directly by the first turn.</summary>
    public const string SystemText =
        "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

    /// <summary>The conversation wrapper used for COPA, Winogrande, WiC, MNLI, RTE and OpenbookQA (and the chat).</summary>
    public static string Wrap(string input) => SystemText + "### Human: " + input + "### Assistant:";

    /// <summary>Extractive QA (SQuAD, XQuAD, TyDiQA, MLQA); fed without the wrapper.</summary>
    public static string Qa(string question, string context) =>
        $"Answer the question according to the context. Question: {question}. Context: {context}. Answer:";

    /// <summary>SST-2; fed without the wrapper.</summary>
    public static string Sst2(string sentence) => $"{sentence} Based on this review, would the user recommend this product? No or Yes?";

    /// <summary>COPA, as the authors' code writes it (a period after the first option).</summary>
    public static string Copa(string premise, string question, string choice1, string choice2) =>
        question == "cause"
            ? $"{premise} This happened because... Help me pick the more plausible option: - {choice1}. - {choice2}"
            : $"{premise} As a consequence... Help me pick the more plausible option: - {choice1}. - {choice2}";

    /// <summary>RTE.</summary>
    public static string Rte(string premise, string hypothesis) => $"Given {premise} Is it guaranteed true that \"{hypothesis}\"? Yes or no?";

    /// <summary>Winogrande.</summary>
    public static string Winogrande(string sentence, string option1, string option2) =>
        $"{sentence} In the previous sentence, does _ refer to {option1} or {option2}?";

    /// <summary>WiC.</summary>
    public static string Wic(string word, string sentence1, string sentence2) =>
        $"Does the word \"{word}\" have the same meaning in these two sentences? Yes, No? {sentence1} {sentence2}";

    /// <summary>MNLI ("Please response" is the authors' wording).</summary>
    public static string Mnli(string premise, string hypothesis) =>
        $"{premise} Question: Does this imply that {hypothesis}? Please response with 'Yes', 'No', or 'Maybe'.";

    /// <summary>OpenbookQA, with the four choices in the dataset's order.</summary>
    public static string OpenbookQa(string questionStem, string choiceA, string choiceB, string choiceC, string choiceD) =>
        $"{questionStem} Which is the correct answer? - (A) {choiceA} - (B) {choiceB} - (C) {choiceC} - (D) {choiceD}";
}
