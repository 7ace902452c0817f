namespace DeltaMerge.Formats.Gguf;

/// <summary>Values of <c>tokenizer.ggml.token_type</c> (gguf-py <c>TokenType</c>), stored as int32.</summary>
public enum GgufTokenType
{
    /// <summary>An ordinary piece.</summary>
    Normal = 1,
    /// <summary>The unknown token.</summary>
    Unknown = 2,
    /// <summary>A control token (BOS, EOS).</summary>
    Control = 3,
    /// <summary>A token added by the user (e.g. [PAD]).</summary>
    UserDefined = 4,
    /// <summary>An unused slot.</summary>
    Unused = 5,
    /// <summary>A byte-fallback token (<c>&lt;0x41&gt;</c>).</summary>
    Byte = 6,
}
