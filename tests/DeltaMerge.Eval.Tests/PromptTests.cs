using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Tests;

/// <summary>Every task's prompt, byte for byte, against strings written here from the protocol.</summary>
public sealed class PromptTests
{
    private const string System =
        "A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.";

    private static string Wrapped(string input) => System + "### Human: " + input + "### Assistant:";

    [Test]
    public void Copa()
    {
        var d = EvalFixtures.Load("copa", "copa.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(Wrapped(
            "My body cast a shadow over the grass. This happened because... Help me pick the more plausible option: - The sun was rising.. - The grass was cut.")));
        Assert.That(d.Task.Prompt(d.Examples[3]), Is.EqualTo(Wrapped(
            "The runner wore shorts. As a consequence... Help me pick the more plausible option: - The forecast predicted high temperatures.. - She planned to run along the beach.")));
        Assert.That(d.Examples[2].Options, Is.EqualTo(new[] { "The cafe reopened in a new location.", "They wanted to catch up with each other." }));
    }

    [Test]
    public void Winogrande()
    {
        var d = EvalFixtures.Load("winogrande", "winogrande.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(Wrapped(
            "Sarah was a much better surgeon than Maria so _ always got the harder cases. In the previous sentence, does _ refer to Sarah or Maria?")));
    }

    [Test]
    public void Wic()
    {
        var d = EvalFixtures.Load("wic", "wic.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[1]), Is.EqualTo(Wrapped(
            "Does the word \"beat\" have the same meaning in these two sentences? Yes, No? We beat the competition. Agassi beat Becker in the tennis championship.")));
    }

    [Test]
    public void Mnli()
    {
        var d = EvalFixtures.Load("mnli", "mnli.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(Wrapped(
            "Conceptually cream skimming has two basic dimensions - product and geography. Question: Does this imply that Product and geography are what make cream skimming work. ? Please response with 'Yes', 'No', or 'Maybe'.")));
        var tsv = EvalFixtures.Load("mnli", "mnli_dev_matched.tsv");
        Assert.That(tsv.Task.Prompt(tsv.Examples[0]), Is.EqualTo(d.Task.Prompt(d.Examples[0])), "TSV sentence1/sentence2 give the same prompt");
    }

    [Test]
    public void Rte()
    {
        var d = EvalFixtures.Load("rte", "rte.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[1]), Is.EqualTo(Wrapped(
            "Given A place of sorrow, after Pope John Paul II died, became a place of celebration. Is it guaranteed true that \"Pope John Paul II died.\"? Yes or no?")));
    }

    [Test]
    public void OpenbookQa()
    {
        var d = EvalFixtures.Load("openbookqa", "openbookqa.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(Wrapped(
            "The sun is responsible for Which is the correct answer? - (A) puppies learning new tricks - (B) children growing up and getting old - (C) flowers wilting in a vase - (D) plants sprouting, blooming and wilting")));
    }

    [Test]
    public void Sst2IsNotWrapped()
    {
        var d = EvalFixtures.Load("sst2", "sst2.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(
            "it 's a charming and often affecting journey .  Based on this review, would the user recommend this product? No or Yes?"));
        var tsv = EvalFixtures.Load("sst2", "sst2_dev.tsv");
        Assert.That(tsv.Task.Prompt(tsv.Examples[0]), Is.EqualTo(d.Task.Prompt(d.Examples[0])), "the TSV keeps the space before the tab");
    }

    [Test]
    public void QaIsNotWrappedAndRebuildsTheContext()
    {
        var d = EvalFixtures.Load("squad", "squad.jsonl");
        Assert.That(d.Task.Prompt(d.Examples[0]), Is.EqualTo(
            "Answer the question according to the context. Question: Which team won Super Bowl 50?. Context: Super Bowl 50 was an American football game. The Denver Broncos defeated the Carolina Panthers 24-10.. Answer:"));
        Assert.That(d.Task.Prompt(d.Examples[2]), Does.Contain("Super Bowl\u00a0to"), "a non-breaking space is not SQuAD whitespace");
        var nested = EvalFixtures.Load("squad", "squad-dev.json");
        Assert.That(nested.Task.Prompt(nested.Examples[2]), Is.EqualTo(
            "Answer the question according to the context. Question: Where was the game played?. Context: The game was played at Levi's Stadium in Santa Clara.. Answer:"));
    }

    [Test]
    public void EveryTaskHasTheProtocolsWrapperChoice()
    {
        var wrapped = TaskCatalog.All.Where(t => t.Wrapped).Select(t => t.Name).Order();
        Assert.That(wrapped, Is.EqualTo(new[] { "copa", "mnli", "openbookqa", "rte", "wic", "winogrande" }));
    }
}
