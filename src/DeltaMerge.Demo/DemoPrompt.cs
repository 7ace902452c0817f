using DeltaMerge.Eval.Sanity;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Demo;

/// <summary>A prompt in one of MT-LLaMA's zero-shot formats and the answer the fine-tuned demo model was taught.</summary>
/// <param name="Case">Task format and exact prompt text.</param>
/// <param name="Expected">The answer, as the runtime returns it (decoded to the newline, trimmed).</param>
public sealed record DemoPrompt(SanityCheck.Case Case, string Expected);
