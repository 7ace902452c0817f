using DeltaMerge.Eval.Running;

namespace DeltaMerge.Eval.Tests;

/// <summary>Prompt ids (leading id, QA truncation) and output-text extraction with the tiny tokenizer.</summary>
public sealed class PromptTokensTests
{
    [Test]
    public void AuthorsPromptsStartWithEosAndModelPromptsWithBos()
    {
        var tokenizer = TinyModel.Tokenizer();
        var authors = new PromptTokens(tokenizer, SpecialTokens.Authors);
        var model = new PromptTokens(tokenizer, SpecialTokens.Model);
        var body = tokenizer.Encode("Hello world", addBos: false);
        Assert.That(authors.Encode("Hello world"), Is.EqualTo(new[] { 2 }.Concat(body)));
        Assert.That(model.Encode("Hello world"), Is.EqualTo(new[] { tokenizer.BosId }.Concat(body)));
        Assert.That(authors.Skip, Is.EquivalentTo(new[] { 2, 384 }), "</s> and [PAD]");
    }

    [Test]
    public void LongQaPromptsAreCutTo1024IdsKeepingTheStart()
    {
        var data = EvalFixtures.Load("squad", "squad-long.json");
        string prompt = data.Task.Prompt(data.Examples[0]);
        var tokens = new PromptTokens(TinyModel.Tokenizer(), SpecialTokens.Authors);
        var full = tokens.Encode(prompt);
        var cut = tokens.Encode(prompt, EvalOptions.AuthorsMaxQaPromptTokens);
        Assert.That(full, Has.Count.GreaterThan(1024));
        Assert.That(cut, Has.Count.EqualTo(1024));
        Assert.That(cut, Is.EqualTo(full.Take(1024)));
        Assert.That(prompt, Does.EndWith(". Answer:"));
        Assert.That(TinyModel.Tokenizer().Decode(cut), Does.Not.EndWith("Answer:"), "the end of a long context is lost, as in the authors' runs");
    }

    [Test]
    public void ClassificationCutsThePromptsLengthAndQaReplacesIt()
    {
        var tokenizer = TinyModel.Tokenizer();
        var tokens = new PromptTokens(tokenizer, SpecialTokens.Authors);
        var prompt = tokens.Encode("Is it true? Yes or no?");
        var generated = tokenizer.Encode(" Yes, it is.\n", addBos: false).Append(2).ToList(); // a stray </s> is skipped
        Assert.That(tokens.OutputText(prompt, generated, qa: false), Is.EqualTo("Yes, it is."));
        Assert.That(tokens.OutputText(prompt, generated, qa: true), Is.EqualTo("Yes, it is."));
        // QA replaces every occurrence of the decoded prompt, so an answer that repeats the prompt loses it too.
        var echo = tokenizer.Encode(" Is it true? Yes or no? Paris", addBos: false).ToList();
        Assert.That(tokens.OutputText(prompt, echo, qa: true), Is.EqualTo("Paris"));
        Assert.That(tokens.OutputText(prompt, echo, qa: false), Is.EqualTo("Is it true? Yes or no? Paris"));
    }
}
