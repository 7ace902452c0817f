using System.Diagnostics;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Compute;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Runtime;
using DeltaMerge.Eval.Sanity;
using DeltaMerge.Eval.Tasks;
using Serilog;

namespace DeltaMerge.Demo;

/// <summary>
/// The demonstration that a merge restores a fine-tune: a random base; a copy fine-tuned to answer MT-LLaMA-style
/// prompts; <c>make-delta</c> publishes finetuned - base; <c>merge</c> adds it back to the base with checksum
/// verification; the runtime asks both the base and the merged model; the merged tensors are compared with the
/// fine-tuned ones.
/// </summary>
public static class MergeDemo
{
    /// <summary>The demo's models: 2 layers, hidden 64, the bundled 384-piece tokenizer.</summary>
    public static readonly SyntheticLlama.Shape Shape = new(Hidden: 64, Intermediate: 176, Layers: 2, Heads: 4, Vocab: SyntheticLlama.DemoTokenizerVocabulary);

    /// <summary>Names of the model directories under the demo's directory.</summary>
    public const string BaseName = "base", FineTunedName = "finetuned", DeltaName = "delta", MergedName = "merged";

    /// <summary>A step finished; the CLI prints these as they happen.</summary>
    public interface IObserver
    {
        /// <summary>The base was written and asked every prompt.</summary>
        void BaseReady(string path, SyntheticLlama.Shape shape) { }

        /// <summary>Fine-tuning finished; the fine-tuned model was written.</summary>
        void FineTuned(string path, FineTuneSummary summary) { }

        /// <summary>make-delta wrote the delta.</summary>
        void DeltaMade(string path, DeltaJobResult result) { }

        /// <summary>The merge wrote and verified its output.</summary>
        void Merged(string path, DeltaJobResult result, VerificationResult verification) { }
    }

    /// <summary>Runs the demo in <paramref name="directory"/> (created; must be empty or absent).</summary>
    public static DemoResult Run(string directory, FineTuneOptions fineTune, DeviceChoice device = DeviceChoice.Cpu, ILogger? log = null,
        IObserver? observer = null, CancellationToken cancellationToken = default)
    {
        log ??= Serilog.Core.Logger.None;
        string Sub(string name) => Path.Combine(directory, name);
        var prompts = DemoPrompts.All;
        var cases = prompts.Select(p => p.Case).ToList();

        SyntheticLlama.WriteBase(Sub(BaseName), Shape);
        IReadOnlyList<SanityCheck.Outcome> baseAnswers;
        FineTuneResult tuned;
        var clock = Stopwatch.StartNew();
        using (var session = ModelSession.Open(Sub(BaseName), new RuntimeOptions { Device = device }))
        {
            baseAnswers = SanityCheck.Run(session, cases, cancellationToken);
            observer?.BaseReady(Sub(BaseName), Shape);
            clock.Restart();
            tuned = FineTuner.Run(ModelTensors.ReadF16(Sub(BaseName)), Shape, session.Tokenizer, session.NewlineTokenId(), prompts, fineTune, log, cancellationToken);
        }
        var summary = new FineTuneSummary(tuned.Steps, tuned.Loss, tuned.Margin, clock.Elapsed.TotalSeconds);
        SyntheticLlama.WriteDirectory(Sub(FineTunedName), Shape, Shape.Vocab + 1, tuned.Tensors);
        observer?.FineTuned(Sub(FineTunedName), summary);

        var delta = Job(TensorOperation.Subtract, Input("target", Sub(FineTunedName)), Input("base", Sub(BaseName)), Sub(DeltaName));
        observer?.DeltaMade(Sub(DeltaName), delta);
        var merge = Job(TensorOperation.Add, Input("base", Sub(BaseName)), Input("delta", Sub(DeltaName)), Sub(MergedName));
        var verification = DirectoryVerifier.Verify(Sub(MergedName));
        observer?.Merged(Sub(MergedName), merge, verification);

        IReadOnlyList<SanityCheck.Outcome> mergedAnswers;
        using (var session = ModelSession.Open(Sub(MergedName), new RuntimeOptions { Device = device }))
            mergedAnswers = SanityCheck.Run(session, cases, cancellationToken);

        var answers = prompts.Select((p, i) => new DemoAnswer(p.Case.Task, p.Case.Prompt, p.Expected, baseAnswers[i].Answer, mergedAnswers[i].Answer)).ToList();
        var comparison = TensorComparison.Compare(Sub(MergedName), Sub(FineTunedName), Sub(BaseName));
        return new DemoResult(directory, Shape, summary, delta.Report!, merge.Report!, verification, answers, comparison);

        // make-delta (Subtract) or merge (Add), as the CLI runs them.
        DeltaJobResult Job(TensorOperation operation, InputSpec primary, InputSpec secondary, string output) => DeltaJob.Run(new DeltaJobOptions
        {
            Operation = operation,
            Primary = primary,
            Secondary = secondary,
            OutputPath = output,
            Device = device,
        }, log, null, cancellationToken);
    }

    /// <summary>A demo model directory as a job input, verified against its own SHA256SUMS.</summary>
    private static InputSpec Input(string side, string path) => new(side, path, [Path.Combine(path, Sha256Sums.FileName)]);
}
