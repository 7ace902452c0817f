namespace DeltaMerge.Runtime;

/// <summary>Why a model could not be loaded or run; one member per rule, so callers and tests can tell them apart.</summary>
public enum ModelLoadErrorKind
{
    /// <summary>The path is neither a model directory nor a GGUF file.</summary>
    ModelNotFound,
    /// <summary>A model directory has no config.json.</summary>
    MissingConfig,
    /// <summary>config.json or the GGUF metadata lacks a field, or a field has an impossible value.</summary>
    InvalidConfig,
    /// <summary>The architecture (<c>architectures</c>, <c>model_type</c>, <c>general.architecture</c>) is not LLaMA.</summary>
    UnsupportedArchitecture,
    /// <summary>A LLaMA variant this runtime does not implement (rope scaling, biases, another activation).</summary>
    UnsupportedFeature,
    /// <summary>A weight the model needs is absent.</summary>
    MissingTensor,
    /// <summary>A weight has another shape than the config implies.</summary>
    ShapeMismatch,
    /// <summary>A weight is stored in a type the runtime cannot read (integer, or a quantization other than Q8_0).</summary>
    UnsupportedTensorType,
    /// <summary>The tokenizer has more tokens than the model has embedding rows (ids past the table would be read).</summary>
    TokenizerLargerThanModel,
    /// <summary>The config implies more weights than the checkpoint holds (checked before anything is allocated).</summary>
    ConfigExceedsWeights,
    /// <summary>The sequence would grow past the model's maximum positions.</summary>
    ContextTooLong,
}
