using DeltaMerge.Eval.Scoring;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Tests;

/// <summary>Label extraction, quick-ratio and QA scores against Python (scripts/fixtures/eval_scoring.py) and worked examples.</summary>
public sealed class ScoringTests
{
    [Test]
    public void QuickRatioEqualsDifflib()
    {
        foreach (var c in EvalFixtures.Objects(EvalFixtures.Expected("quick_ratio.json")["pairs"]))
            Assert.That(QuickRatio.Compute(EvalFixtures.Str(c["a"]), EvalFixtures.Str(c["b"])), Is.EqualTo(EvalFixtures.Get<double>(c["ratio"])),
                $"quick_ratio({c["a"]}, {c["b"]})");
    }

    [Test]
    public void StringCompareEqualsTheAuthors()
    {
        foreach (var c in EvalFixtures.Objects(EvalFixtures.Expected("quick_ratio.json")["string_compare"]))
            Assert.That(QuickRatio.PickOption(EvalFixtures.Str(c["output"]), EvalFixtures.Str(c["option1"]), EvalFixtures.Str(c["option2"])),
                Is.EqualTo(EvalFixtures.Get<int>(c["choice"])), c.ToJsonString());
    }

    [Test]
    public void QuickRatioWorkedExamples()
    {
        Assert.That(QuickRatio.Compute("", ""), Is.EqualTo(1.0));
        Assert.That(QuickRatio.Compute("abc", ""), Is.EqualTo(0.0));
        Assert.That(QuickRatio.Compute("aab", "abb"), Is.EqualTo(2.0 * 2 / 6));
        Assert.That(QuickRatio.Compute("😀x", "x😀"), Is.EqualTo(1.0), "code points, not UTF-16 units");
        Assert.That(QuickRatio.PickOption("", "abc", "abd"), Is.Zero, "ties go to the first option");
    }

    [Test]
    public void LabelExtractionEqualsTheAuthors()
    {
        var expected = EvalFixtures.Expected("label_extraction.json").AsObject();
        foreach (var (task, cases) in expected)
        {
            TaskSpec spec = EvalFixtures.Task(task);
            foreach (var c in EvalFixtures.Objects(cases))
            {
                var got = LabelExtraction.From(spec, EvalFixtures.Str(c["output"]), []);
                Assert.That((got.Class, got.Fallback, got.Word), Is.EqualTo((EvalFixtures.Get<int>(c["class"]), EvalFixtures.Get<bool>(c["fallback"]), c["word"]?.GetValue<string>())),
                    $"{task}: {c["output"]}");
            }
        }
    }

    [TestCase("mnli", "No, maybe yes.", 0, "maybe")] // several label words: the list's order decides, not the text's
    [TestCase("mnli", "Yes. No.", 1, "yes")]
    [TestCase("mnli", "Nope", 2, "no")]
    [TestCase("mnli", "Cheers", 2, "c")] // no "maybe", "yes", "no", "a" or "b", but a "c"
    [TestCase("rte", "No... well, yes", 0, "yes")]
    [TestCase("wic", "Yes, not no", 0, "no")]
    [TestCase("sst2", "Yes, 5 out of 5 but no", 1, "5")]
    [TestCase("sst2", "I give it 1 star, yes", 0, "1")]
    [TestCase("openbookqa", "(D) 4. the answer", 3, "4.")]
    [TestCase("openbookqa", "(D)", 3, "d")] // "(d)" is never reached: the bare "d" comes first
    public void SeveralLabelWordsFollowTheOrder(string task, string output, int cls, string word)
    {
        var got = LabelExtraction.From(EvalFixtures.Task(task), output, []);
        Assert.That((got.Class, got.Fallback, got.Word), Is.EqualTo((cls, false, word)));
    }

    [TestCase("rte", 0)]
    [TestCase("wic", 0)]
    [TestCase("mnli", 0)]
    [TestCase("sst2", 0)]
    [TestCase("openbookqa", 0)]
    public void NoLabelWordFallsBackToClassZero(string task, int cls)
    {
        var got = LabelExtraction.From(EvalFixtures.Task(task), "xyz", []);
        Assert.That(got, Is.EqualTo(new LabelExtraction(cls, true, null)));
    }

    [Test]
    public void QaScoresEqualTheOfficialScripts()
    {
        foreach (var c in EvalFixtures.Objects(EvalFixtures.Expected("qa_scores.json")["cases"]))
        {
            string prediction = QaMetrics.AnswerFromOutput(EvalFixtures.Str(c["output"]));
            string[] golds = c["golds"]!.AsArray().Select(EvalFixtures.Str).ToArray();
            Assert.That(prediction, Is.EqualTo(EvalFixtures.Str(c["prediction"])));
            Assert.That(QaMetrics.NormalizeSquad(prediction), Is.EqualTo(EvalFixtures.Str(c["squad_normalized"])), c.ToJsonString());
            Assert.That(QaMetrics.NormalizeMlqaEnglish(prediction), Is.EqualTo(EvalFixtures.Str(c["mlqa_normalized"])), c.ToJsonString());
            var squad = QaMetrics.Score(prediction, golds, QaScoring.SquadV1);
            var mlqa = QaMetrics.Score(prediction, golds, QaScoring.MlqaEnglish);
            Assert.That(squad.F1, Is.EqualTo(EvalFixtures.Get<double>(c["squad_f1"])), c.ToJsonString());
            Assert.That(squad.ExactMatch, Is.EqualTo(EvalFixtures.Get<double>(c["squad_em"])), c.ToJsonString());
            Assert.That(mlqa.F1, Is.EqualTo(EvalFixtures.Get<double>(c["mlqa_f1"])), c.ToJsonString());
            Assert.That(mlqa.ExactMatch, Is.EqualTo(EvalFixtures.Get<double>(c["mlqa_em"])), c.ToJsonString());
        }
    }

    [Test]
    public void SquadWorkedExamples()
    {
        // Articles, punctuation and case vanish; the best gold answer counts.
        Assert.That(QaMetrics.Score("the Denver Broncos!", ["Carolina", "Denver Broncos"], QaScoring.SquadV1), Is.EqualTo(new QaScore(1, 1)));
        // "Broncos" against "Denver Broncos": precision 1, recall 1/2, F1 2/3.
        Assert.That(QaMetrics.Score("Broncos", ["Denver Broncos"], QaScoring.SquadV1).F1, Is.EqualTo(2.0 / 3).Within(1e-15));
        // An empty prediction scores 0 against a non-empty answer.
        Assert.That(QaMetrics.Score("", ["Roman numerals"], QaScoring.SquadV1), Is.EqualTo(new QaScore(0, 0)));
        // An output containing "None" is an empty answer.
        Assert.That(QaMetrics.AnswerFromOutput("None of the above"), Is.Empty);
        Assert.That(QaMetrics.AnswerFromOutput("  Paris \n"), Is.EqualTo("Paris"));
        // "an" inside a word stays; punctuation is removed before articles, so "the," is an article.
        Assert.That(QaMetrics.NormalizeSquad("The, Anthem of an ANT"), Is.EqualTo("anthem of ant"));
        // MLQA also removes Unicode punctuation (curly quotes, em dash); SQuAD keeps them.
        Assert.That(QaMetrics.NormalizeMlqaEnglish("\u201cOut of many \u2014 one\u201d"), Is.EqualTo("out of many one"));
        Assert.That(QaMetrics.NormalizeSquad("\u201cOut\u201d"), Is.EqualTo("\u201cout\u201d"));
        Assert.Throws<ArgumentException>(() => QaMetrics.Score("x", [], QaScoring.SquadV1));
    }

    [Test]
    public void QaContextEqualsSquadDocTokens()
    {
        foreach (var c in EvalFixtures.Objects(EvalFixtures.Expected("qa_context.json")["cases"]))
            Assert.That(QaContext.Rebuild(EvalFixtures.Str(c["context"])), Is.EqualTo(EvalFixtures.Str(c["rebuilt"])));
    }

    [Test]
    public void PythonStrHelpers()
    {
        Assert.That(PyText.Strip("\u001f x \u3000"), Is.EqualTo("x"));
        Assert.That(PyText.Split("a\u00a0b\u001cc  d"), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That(PyText.Length("😀a"), Is.EqualTo(2));
        Assert.That(PyText.SliceFrom("😀ab", 1), Is.EqualTo("ab"));
        Assert.That(PyText.Lower("İ"), Is.EqualTo("i\u0307"));
    }
}
