using System.Runtime.InteropServices;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Eval.Sanity;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Tokenization;
using Serilog;
using TorchSharp;
using static TorchSharp.torch;

namespace DeltaMerge.Demo;

/// <summary>
/// Fine-tunes a copy of the base on prompt → answer pairs with autograd and Adam, the way a release is made: the
/// vocabulary grows by one <c>[PAD]</c> row (initialized to the mean row, as FastChat does), the loss covers only the
/// answer tokens and the newline that ends them, and the weights are float32 during training and fp16 after it.
/// Deterministic: no random draws, a fixed seed, and a fixed thread count, so that every CPU reduction (matrix
/// products, the embedding gradient's index_add) sums in the same order on every run.
/// </summary>
public static class FineTuner
{
    private const long IgnoredTarget = -100;

    /// <summary>Trains from <paramref name="baseTensors"/> (a model of <paramref name="shape"/>) until every answer leads by the margin.</summary>
    public static FineTuneResult Run(IReadOnlyDictionary<string, HalfTensor> baseTensors, SyntheticLlama.Shape shape, LlamaTokenizer tokenizer,
        int newlineId, IReadOnlyList<DemoPrompt> prompts, FineTuneOptions options, ILogger? log = null, CancellationToken cancellationToken = default)
    {
        log ??= Serilog.Core.Logger.None;
        int threadsBefore = get_num_threads();
        set_num_threads(options.Threads);
        manual_seed(options.Seed);
        try
        {
            return Train(baseTensors, shape, tokenizer, newlineId, prompts, options, log, cancellationToken);
        }
        finally
        {
            set_num_threads(threadsBefore);
        }
    }

    private static FineTuneResult Train(IReadOnlyDictionary<string, HalfTensor> baseTensors, SyntheticLlama.Shape shape, LlamaTokenizer tokenizer,
        int newlineId, IReadOnlyList<DemoPrompt> prompts, FineTuneOptions options, ILogger log, CancellationToken cancellationToken)
    {
        int vocab = shape.Vocab + 1;
        var names = SyntheticLlama.Tensors(shape, vocab);
        var weights = names.ToDictionary(t => t.Name, t => (Tensor)new TorchSharp.Modules.Parameter(Initial(baseTensors[t.Name], t.Shape)), StringComparer.Ordinal);
        var (input, target) = Batch(tokenizer, newlineId, prompts);
        // The answer positions: the only ones with a target.
        using var positions = target.ne(IgnoredTarget).nonzero().T;
        using var rows = positions[0];
        using var columns = positions[1];
        using var answerTargets = target.index([rows, columns]);
        using var model = new TrainableLlama(shape, input.shape[1]);
        using var adam = optim.Adam(weights.Values.Cast<TorchSharp.Modules.Parameter>(), options.LearningRate);
        float loss = float.NaN, margin = float.NegativeInfinity;
        int step = 0;
        try
        {
            while (step < options.MaxSteps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (NewDisposeScope())
                {
                    adam.zero_grad();
                    var l = nn.functional.cross_entropy(model.Logits(weights, input, rows, columns), answerTargets);
                    l.backward();
                    adam.step();
                    loss = l.item<float>();
                }
                step++;
                if (step % options.CheckEvery != 0 && step != options.MaxSteps) continue;
                margin = Fp16Margin(model, weights, input, rows, columns, answerTargets);
                log.Debug("Fine-tune step {Step}: loss {Loss:F4}, fp16 margin {Margin:F3}", step, loss, margin);
                if (margin >= options.Margin) break;
            }
            if (margin < options.Margin)
                log.Warning("Fine-tuning stopped at {Steps} steps with an fp16 margin of {Margin:F3}, below {Wanted}: some answers may not survive fp16.", step, margin, options.Margin);
            var tensors = names.Select(t => (t.Name, Fp16Bytes(weights[t.Name]))).ToList();
            return new FineTuneResult(step, loss, margin, tensors);
        }
        finally
        {
            foreach (var w in weights.Values) w.Dispose();
            input.Dispose();
            target.Dispose();
        }
    }

    /// <summary>The base tensor widened to float32, the vocabulary tensors grown to <paramref name="shape"/> with the mean row.</summary>
    private static Tensor Initial(HalfTensor baseTensor, long[] shape)
    {
        var values = baseTensor.Values.Select(h => (float)h).ToArray();
        using var t = tensor(values, baseTensor.Shape, ScalarType.Float32);
        if (baseTensor.Shape[0] == shape[0]) return t.clone();
        using var mean = t.mean([0L], keepdim: true);
        return cat([t, mean], 0);
    }

    /// <summary>
    /// Inputs [B, T] and next-token targets [B, T] of every prompt followed by its answer and the newline, right-padded;
    /// targets are the answer tokens and the newline only.
    /// </summary>
    private static (Tensor Input, Tensor Target) Batch(LlamaTokenizer tokenizer, int newlineId, IReadOnlyList<DemoPrompt> prompts)
    {
        var rows = prompts.Select(p =>
        {
            var ids = SanityCheck.PromptIds(tokenizer, p.Case.Prompt);
            int answerStart = ids.Count;
            ids.AddRange(tokenizer.Encode(p.Expected, addBos: false));
            ids.Add(newlineId);
            return (Ids: ids, AnswerStart: answerStart);
        }).ToList();
        int length = rows.Max(r => r.Ids.Count) - 1;
        var input = new long[rows.Count * length];
        var target = new long[rows.Count * length];
        Array.Fill(target, IgnoredTarget);
        for (int b = 0; b < rows.Count; b++)
        {
            var (ids, answerStart) = rows[b];
            for (int t = 0; t < ids.Count - 1; t++)
            {
                input[b * length + t] = ids[t];
                if (t + 1 >= answerStart) target[b * length + t] = ids[t + 1];
            }
        }
        return (tensor(input, [rows.Count, length]), tensor(target, [rows.Count, length]));
    }

    /// <summary>
    /// The smallest lead of the correct token over the best other token at every answer position, computed with the
    /// weights rounded to fp16 as they will be stored. Positive everywhere means greedy decoding reproduces each answer.
    /// </summary>
    private static float Fp16Margin(TrainableLlama model, IReadOnlyDictionary<string, Tensor> weights, Tensor input, Tensor rows, Tensor columns, Tensor answerTargets)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rounded = weights.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16).to(ScalarType.Float32), StringComparer.Ordinal);
        var logits = model.Logits(rounded, input, rows, columns);         // [answer positions, vocab]
        var correct = answerTargets.unsqueeze(1);
        var right = logits.gather(1, correct);
        var others = logits.scatter(1, correct, full_like(right, float.NegativeInfinity));
        return (right.squeeze(1) - others.max(1).values).min().item<float>();
    }

    private static byte[] Fp16Bytes(Tensor weight)
    {
        using var cpu = weight.detach().contiguous();
        var halves = cpu.data<float>().ToArray().Select(v => (Half)v).ToArray();
        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }
}
