using System.Text.Json.Nodes;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Pipeline.Inputs;

namespace DeltaMerge.Pipeline.Output;

/// <summary>Where an output's companion facts come from: the config's model, the tokenizer's model, and the config as output.</summary>
/// <param name="Config">The model whose config and generation settings the output keeps.</param>
/// <param name="ConfigInputs">Its verified readers.</param>
/// <param name="Tokenizer">The model whose tokenizer the output takes.</param>
/// <param name="TokenizerInputs">Its verified readers.</param>
/// <param name="OutputConfig">The config as written: the source's, with <c>vocab_size</c> and <c>torch_dtype</c> of the output.</param>
public sealed record OutputSources(ModelDirectory Config, VerifiedInputs ConfigInputs, ModelDirectory Tokenizer, VerifiedInputs TokenizerInputs,
    JsonObject OutputConfig);
