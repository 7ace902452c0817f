using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>Every format the loader reads, gold mappings from each dataset's own encoding, and one test per error kind.</summary>
public sealed class LoaderTests
{
    [Test]
    public void CopaJsonLinesAndJsonArray()
    {
        var d = EvalFixtures.Load("copa", "copa.jsonl");
        Assert.That(d.Format, Is.EqualTo(DataFormat.JsonLines));
        Assert.That(d.Examples.Select(e => e.Gold), Is.EqualTo(new[] { 0, 0, 1, 0 }));
        Assert.That(d.Examples.Select(e => e.Index), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        var a = EvalFixtures.Load("copa", "copa.json");
        Assert.That(a.Format, Is.EqualTo(DataFormat.JsonLines));
        Assert.That(a.Examples.Select(e => e.Gold), Is.EqualTo(new[] { 0, 1, 0 }));
        Assert.That(a.Examples[2]["premise"], Is.EqualTo("Café owners é smiled."));
    }

    [Test]
    public void MnliMapsGlueLabelsToTheAuthorsClasses()
    {
        var spec = EvalFixtures.Task("mnli");
        var d = EvalFixtures.Load("mnli", "mnli.jsonl");
        // glue/mnli: 0 entailment, 1 neutral, 2 contradiction; the authors' classes: neutral 0, entailment 1, contradiction 2.
        Assert.That(d.Examples.Select(e => spec.ClassNames[e.Gold]), Is.EqualTo(new[] { "neutral", "entailment", "entailment", "contradiction" }));
        Assert.That(d.Examples.Select(e => spec.PredictionValue(e.Gold, e.LabelStyle)), Is.EqualTo(new object[] { 1, 0, 0, 2 }));
        var tsv = EvalFixtures.Load("mnli", "mnli_dev_matched.tsv");
        Assert.That(tsv.Format, Is.EqualTo(DataFormat.GlueTsv));
        Assert.That(tsv.Examples.Select(e => spec.PredictionValue(e.Gold, e.LabelStyle)), Is.EqualTo(new object[] { "neutral", "entailment", "contradiction" }));
    }

    [Test]
    public void RteSst2WicWinograndeOpenbookQaGolds()
    {
        Assert.That(Names("rte", "rte.jsonl"), Is.EqualTo(new[] { "not_entailment", "entailment", "entailment" }));
        Assert.That(Names("rte", "rte_dev.tsv"), Is.EqualTo(new[] { "not_entailment", "entailment" }));
        Assert.That(Names("sst2", "sst2.jsonl"), Is.EqualTo(new[] { "positive", "negative", "positive" }));
        Assert.That(Names("sst2", "sst2_dev.tsv"), Is.EqualTo(new[] { "positive", "negative" }));
        Assert.That(Names("wic", "wic.jsonl"), Is.EqualTo(new[] { "different", "same", "same" }));
        Assert.That(Names("winogrande", "winogrande.jsonl"), Is.EqualTo(new[] { "option1", "option2", "option1" }));
        Assert.That(Names("openbookqa", "openbookqa.jsonl"), Is.EqualTo(new[] { "D", "D", "C" }));
        var sst = EvalFixtures.Load("sst2", "sst2_dev.tsv");
        Assert.That(sst.Task.PredictionValue(1, sst.Examples[0].LabelStyle), Is.EqualTo("1"), "TSV labels are written back as text");
        var wic = EvalFixtures.Load("wic", "wic.jsonl");
        Assert.That(wic.Task.PredictionValue(1, wic.Examples[2].LabelStyle), Is.EqualTo(true), "a boolean label is written back as a boolean");
        var wino = EvalFixtures.Load("winogrande", "winogrande.jsonl");
        Assert.That(wino.Task.PredictionValue(1, wino.Examples[0].LabelStyle), Is.EqualTo("2"));
    }

    [Test]
    public void SquadFormats()
    {
        var hf = EvalFixtures.Load("squad", "squad.jsonl");
        Assert.That(hf.Examples[0].GoldAnswers, Is.EqualTo(new[] { "Denver Broncos", "Denver Broncos", "The Denver Broncos" }));
        Assert.That(hf.Examples[0].Id, Is.EqualTo("56be4db0acb8001400a502ec"));
        var nested = EvalFixtures.Load("squad", "squad-dev.json");
        Assert.That(nested.Format, Is.EqualTo(DataFormat.SquadJson));
        Assert.That(nested.Examples.Select(e => e.Id), Is.EqualTo(new[] { "q1", "q2", "q3" }));
        Assert.That(nested.Examples[1].GoldAnswers, Is.EqualTo(new[] { "Carolina Panthers" }));
        foreach (var (task, file) in new[] { ("xquad", "xquad.en.json"), ("tydiqa", "tydiqa.goldp.en.dev.json"), ("mlqa", "test-context-en-question-en.json") })
            Assert.That(EvalFixtures.Load(task, file).Examples, Is.Not.Empty, file);
    }

    [Test]
    public void ParquetWithHuggingFacesNestedSchema()
    {
        using var temp = new TempDirectory();
        string squad = temp.Sub("squad.parquet");
        HfParquet.WriteSquad(squad, EvalFixtures.Load("squad", "squad.jsonl").Examples);
        var fromParquet = EvalDataLoader.Load(EvalFixtures.Task("squad"), squad);
        var fromJson = EvalFixtures.Load("squad", "squad.jsonl");
        Assert.That(fromParquet.Format, Is.EqualTo(DataFormat.Parquet));
        Assert.That(fromParquet.Examples.Select(e => (e.Id, e["question"], e["context"], string.Join("|", e.GoldAnswers))),
            Is.EqualTo(fromJson.Examples.Select(e => (e.Id, e["question"], e["context"], string.Join("|", e.GoldAnswers)))));

        string items = temp.Sub("squad-items.parquet");
        HfParquet.WriteSquadItemNamedLists(items, fromJson.Examples);
        Assert.That(EvalDataLoader.Load(EvalFixtures.Task("squad"), items).Examples.Select(e => string.Join("|", e.GoldAnswers)),
            Is.EqualTo(fromJson.Examples.Select(e => string.Join("|", e.GoldAnswers))), "lists whose element is named item");

        string dir = temp.Sub("openbookqa");
        Directory.CreateDirectory(dir);
        var obqa = EvalFixtures.Load("openbookqa", "openbookqa.jsonl").Examples;
        HfParquet.WriteOpenbookQa(Path.Combine(dir, "validation-00000-of-00002.parquet"), obqa.Take(2).ToList());
        HfParquet.WriteOpenbookQa(Path.Combine(dir, "validation-00001-of-00002.parquet"), obqa.Skip(2).ToList());
        var shards = EvalDataLoader.Load(EvalFixtures.Task("openbookqa"), dir);
        Assert.That(shards.Files, Has.Count.EqualTo(2));
        Assert.That(shards.Examples.Select(e => (e["question_stem"], string.Join("|", e.Options), e.Gold)),
            Is.EqualTo(obqa.Select(e => (e["question_stem"], string.Join("|", e.Options), e.Gold))));
        Assert.That(shards.Examples.Select(e => e.Index), Is.EqualTo(new[] { 0, 1, 2 }));

        string copa = temp.Sub("copa.parquet");
        HfParquet.WriteCopa(copa, EvalFixtures.Load("copa", "copa.jsonl").Examples);
        var c = EvalDataLoader.Load(EvalFixtures.Task("copa"), copa);
        Assert.That(c.Examples.Select(e => e.Gold), Is.EqualTo(new[] { 0, 0, 1, 0 }));
        Assert.That(c.Examples[0].LabelStyle, Is.EqualTo(LabelStyle.Integer));
    }

    [TestCase("copa", "copa-malformed.jsonl", EvalDataErrorKind.MalformedJson, "line 3", null)]
    [TestCase("copa", "copa-missing-column.jsonl", EvalDataErrorKind.MissingColumn, "line 2", "choice1")]
    [TestCase("copa", "copa-bad-question.jsonl", EvalDataErrorKind.BadValue, "line 1", "question")]
    [TestCase("mnli", "mnli-unlabeled.jsonl", EvalDataErrorKind.Unlabeled, "line 2", "label")]
    [TestCase("mnli", "mnli-bad-label.jsonl", EvalDataErrorKind.BadValue, "line 1", "label")]
    [TestCase("rte", "rte-bad-label.jsonl", EvalDataErrorKind.BadValue, "line 1", "label")]
    [TestCase("sst2", "sst2-empty.jsonl", EvalDataErrorKind.EmptyFile, null, null)]
    [TestCase("sst2", "sst2-blank.jsonl", EvalDataErrorKind.EmptyFile, null, null)]
    [TestCase("sst2", "sst2-short-row.tsv", EvalDataErrorKind.MalformedRow, "line 3", null)]
    [TestCase("winogrande", "winogrande-unlabeled.jsonl", EvalDataErrorKind.Unlabeled, "line 1", "answer")]
    [TestCase("openbookqa", "openbookqa-three-choices.jsonl", EvalDataErrorKind.MalformedRow, "line 1", "choices")]
    [TestCase("squad", "squad-no-answer.json", EvalDataErrorKind.NoAnswer, "row 0 (data[0].paragraphs[0].qas[0])", "answers")]
    [TestCase("squad", "squad-missing-answers.json", EvalDataErrorKind.MissingColumn, "row 0 (data[0].paragraphs[0].qas[0])", "answers")]
    [TestCase("squad", "squad-malformed.json", EvalDataErrorKind.MalformedJson, "line 3", null)]
    [TestCase("copa", "copa.csv", EvalDataErrorKind.UnknownFormat, null, null)]
    [TestCase("copa", "does-not-exist.jsonl", EvalDataErrorKind.NotFound, null, null)]
    public void BadDataNamesFileLineAndColumn(string task, string file, EvalDataErrorKind kind, string? location, string? column)
    {
        var e = Assert.Throws<EvalDataException>(() => EvalDataLoader.Load(EvalFixtures.Task(task), EvalFixtures.Bad(file)))!;
        Assert.That(e.Kind, Is.EqualTo(kind), e.Message);
        Assert.That(e.Path, Is.EqualTo(Path.GetFullPath(EvalFixtures.Bad(file))));
        Assert.That(e.Location, Is.EqualTo(location), e.Message);
        Assert.That(e.Column, Is.EqualTo(column), e.Message);
        Assert.That(e.Message, Does.Contain(Path.GetFileName(file)));
        if (location != null) Assert.That(e.Message, Does.Contain(location));
    }

    [Test]
    public void ParquetErrorsNameTheRowAndColumn()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("mnli.parquet");
        HfParquet.WriteNli(path, [("p", "h", 0), ("p2", "h2", -1)]);
        var e = Assert.Throws<EvalDataException>(() => EvalDataLoader.Load(EvalFixtures.Task("mnli"), path))!;
        Assert.That((e.Kind, e.Location, e.Column), Is.EqualTo((EvalDataErrorKind.Unlabeled, "row 1", "label")));
        string notParquet = temp.Sub("x.parquet");
        File.WriteAllText(notParquet, "not parquet at all");
        Assert.That(Assert.Throws<EvalDataException>(() => EvalDataLoader.Load(EvalFixtures.Task("mnli"), notParquet))!.Kind, Is.EqualTo(EvalDataErrorKind.Parquet));
    }

    private static string[] Names(string task, string file)
    {
        var d = EvalFixtures.Load(task, file);
        return d.Examples.Select(e => d.Task.ClassNames[e.Gold]).ToArray();
    }
}
