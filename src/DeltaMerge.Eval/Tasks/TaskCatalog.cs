using System.Diagnostics.CodeAnalysis;
using DeltaMerge.Eval.Data;

namespace DeltaMerge.Eval.Tasks;

/// <summary>
/// The eleven tasks as the authors' evaluation code runs them (mCLS/data_clm.py, mCLS/train-CLS.py, mQA/data_clm.py,
/// mQA/train-QA.py): every string, order and mapping here is part of the protocol.
/// </summary>
public static class TaskCatalog
{
    private static readonly string[] Letters = ["A", "B", "C", "D"];

    /// <summary>Every task, in the model card's column order (QA first).</summary>
    public static IReadOnlyList<TaskSpec> All { get; } =
    [
        Qa(EvalTask.Xquad, "xquad", "XQuAD-en", QaScoring.SquadV1, PublishedScore.Qa(42.3, 31.1), PublishedScore.Qa(9.5, 2.0)),
        Qa(EvalTask.TydiQa, "tydiqa", "TyDiQA-en", QaScoring.SquadV1, PublishedScore.Qa(38.9, 26.9), PublishedScore.Qa(14.3, 2.6)),
        Qa(EvalTask.Mlqa, "mlqa", "MLQA-en", QaScoring.MlqaEnglish, PublishedScore.Qa(45.4, 31.5), PublishedScore.Qa(13.4, 3.3)),
        Qa(EvalTask.Squad, "squad", "SQuAD", QaScoring.SquadV1, PublishedScore.Qa(85.9, 77.6), PublishedScore.Qa(29.4, 11.5)),
        new TaskSpec
        {
            Task = EvalTask.Sst2, Name = "sst2", DisplayName = "SST-2", Rule = ChoiceRule.LabelWords,
            Wrapped = false, // the authors build a conversation but feed the raw passage
            Fields = [new("sentence", ["sentence"])],
            LabelColumns = ["label"],
            ClassNames = ["negative", "positive"],
            LabelWords = Words(("1", 0), ("2", 0), ("4", 1), ("5", 1), ("\u2605", 0), ("\u2605\u2605", 0), ("\u2605\u2605\u2605\u2605", 1),
                ("\u2605\u2605\u2605\u2605\u2605", 1), ("no", 0), ("yes", 1)),
            RankStrings = ["No", "Yes"],
            DatasetCodes = [0, 1], DatasetNames = ["negative", "positive"],
            PublishedMtLlama = PublishedScore.Acc(92.6), PublishedLlama = PublishedScore.Acc(50.5),
            Input = e => MtLlamaPrompts.Sst2(e["sentence"]),
        },
        new TaskSpec
        {
            Task = EvalTask.OpenbookQa, Name = "openbookqa", DisplayName = "OpenbookQA", Rule = ChoiceRule.LabelWords, Wrapped = true,
            Fields = [new("question_stem", ["question_stem"])],
            LabelColumns = ["answerKey"],
            ClassNames = Letters,
            // A bare "a" matches most texts: that is the authors' order, and part of the published number.
            LabelWords = Words(("1.", 0), ("2.", 1), ("3.", 2), ("4.", 3), ("a", 0), ("b", 1), ("c", 2), ("d", 3),
                ("(a)", 0), ("(b)", 1), ("(c)", 2), ("(d)", 3)),
            DatasetCodes = [0, 1, 2, 3], DatasetNames = Letters,
            PublishedMtLlama = PublishedScore.Acc(38.2), PublishedLlama = PublishedScore.Acc(32.4),
            Input = e => MtLlamaPrompts.OpenbookQa(e["question_stem"], e.Options[0], e.Options[1], e.Options[2], e.Options[3]),
        },
        new TaskSpec
        {
            Task = EvalTask.Copa, Name = "copa", DisplayName = "COPA", Rule = ChoiceRule.QuickRatio, Wrapped = true,
            Fields = [new("premise", ["premise"]), new("question", ["question"]), new("choice1", ["choice1"]), new("choice2", ["choice2"])],
            LabelColumns = ["label"],
            ClassNames = ["choice1", "choice2"],
            DatasetCodes = [0, 1], DatasetNames = ["0", "1"],
            PublishedMtLlama = PublishedScore.Acc(88.0), PublishedLlama = PublishedScore.Acc(56.0),
            Input = e => MtLlamaPrompts.Copa(e["premise"], e["question"], e["choice1"], e["choice2"]),
        },
        new TaskSpec
        {
            Task = EvalTask.Winogrande, Name = "winogrande", DisplayName = "Winogrande", Rule = ChoiceRule.QuickRatio, Wrapped = true,
            Fields = [new("sentence", ["sentence"]), new("option1", ["option1"]), new("option2", ["option2"])],
            LabelColumns = ["answer"],
            ClassNames = ["option1", "option2"],
            DatasetCodes = [1, 2], DatasetNames = ["1", "2"],
            PublishedMtLlama = PublishedScore.Acc(54.9), PublishedLlama = PublishedScore.Acc(49.3),
            Input = e => MtLlamaPrompts.Winogrande(e["sentence"], e["option1"], e["option2"]),
        },
        new TaskSpec
        {
            Task = EvalTask.Wic, Name = "wic", DisplayName = "WiC", Rule = ChoiceRule.LabelWords, Wrapped = true,
            Fields = [new("word", ["word"]), new("sentence1", ["sentence1"]), new("sentence2", ["sentence2"])],
            LabelColumns = ["label"],
            ClassNames = ["different", "same"],
            LabelWords = Words(("no", 0), ("yes", 1)),
            RankStrings = ["No", "Yes"],
            DatasetCodes = [0, 1], DatasetNames = ["False", "True"],
            PublishedMtLlama = PublishedScore.Acc(52.2), PublishedLlama = PublishedScore.Acc(51.7),
            Input = e => MtLlamaPrompts.Wic(e["word"], e["sentence1"], e["sentence2"]),
        },
        new TaskSpec
        {
            Task = EvalTask.Mnli, Name = "mnli", DisplayName = "MNLI", Rule = ChoiceRule.LabelWords, Wrapped = true,
            Fields = [new("premise", ["premise", "sentence1"]), new("hypothesis", ["hypothesis", "sentence2"])],
            LabelColumns = ["label", "gold_label"],
            // The authors' own files: neutral 0, entailment 1, contradiction 2 (glue/mnli: entailment 0, neutral 1, contradiction 2).
            ClassNames = ["neutral", "entailment", "contradiction"],
            LabelWords = Words(("maybe", 0), ("yes", 1), ("no", 2), ("a", 0), ("b", 1), ("c", 2), ("inconclusive", 0), ("true", 1), ("false", 2)),
            RankStrings = ["Maybe", "Yes", "No"],
            DatasetCodes = [1, 0, 2], DatasetNames = ["neutral", "entailment", "contradiction"],
            PublishedMtLlama = PublishedScore.Acc(49.6), PublishedLlama = PublishedScore.Acc(30.2),
            Input = e => MtLlamaPrompts.Mnli(e["premise"], e["hypothesis"]),
        },
        new TaskSpec
        {
            Task = EvalTask.Rte, Name = "rte", DisplayName = "RTE", Rule = ChoiceRule.LabelWords, Wrapped = true,
            Fields = [new("premise", ["premise", "sentence1"]), new("hypothesis", ["hypothesis", "sentence2"])],
            LabelColumns = ["label"],
            ClassNames = ["entailment", "not_entailment"],
            LabelWords = Words(("yes", 0), ("no", 1)),
            RankStrings = ["Yes", "no"],
            DatasetCodes = [0, 1], DatasetNames = ["entailment", "not_entailment"],
            PublishedMtLlama = PublishedScore.Acc(79.1), PublishedLlama = PublishedScore.Acc(52.7),
            Input = e => MtLlamaPrompts.Rte(e["premise"], e["hypothesis"]),
        },
    ];

    /// <summary>The task's definition.</summary>
    public static TaskSpec Get(EvalTask task) => All.Single(t => t.Task == task);

    /// <summary>Finds a task by its command-line name (case-insensitive; "obqa" and "sst-2" are accepted too).</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out TaskSpec? spec)
    {
        string key = name.Trim().ToLowerInvariant() switch
        {
            "obqa" => "openbookqa",
            "sst-2" => "sst2",
            "tydiqa-goldp" => "tydiqa",
            var k => k,
        };
        spec = All.FirstOrDefault(t => t.Name == key);
        return spec != null;
    }

    /// <summary>The command-line names, comma-separated (for help and errors).</summary>
    public static string Names => string.Join(", ", All.Select(t => t.Name));

    private static TaskSpec Qa(EvalTask task, string name, string display, QaScoring scoring, PublishedScore mt, PublishedScore llama) => new()
    {
        Task = task, Name = name, DisplayName = display, Rule = ChoiceRule.ExtractiveQa, Wrapped = false,
        Fields = [new("question", ["question"]), new("context", ["context"])],
        QaScoring = scoring,
        PublishedMtLlama = mt, PublishedLlama = llama,
        Input = e => MtLlamaPrompts.Qa(e["question"], QaContext.Rebuild(e["context"])),
    };

    private static LabelWord[] Words(params (string Word, int Class)[] words) => words.Select(w => new LabelWord(w.Word, w.Class)).ToArray();
}
