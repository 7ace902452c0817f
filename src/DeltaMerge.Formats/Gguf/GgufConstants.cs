namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Every wire fact of the GGUF container (llama.cpp <c>ggml/include/gguf.h</c>, <c>gguf-py/gguf/constants.py</c>):
/// <c>[magic u32][version u32][n_tensors u64][n_kv u64][KV pairs][tensor infos][padding][aligned tensor data]</c>,
/// all little-endian; strings are <c>[u64 length][UTF-8 bytes]</c> without terminator.
/// </summary>
public static class GgufConstants
{
    /// <summary>The bytes "GGUF" read as a little-endian u32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The version the writer emits.</summary>
    public const uint Version = 3;

    /// <summary>The oldest version the reader accepts; version 1 used 32-bit counts and is refused (as llama.cpp does).</summary>
    public const uint MinSupportedVersion = 2;

    /// <summary>Data alignment when <see cref="GgufKeys.GeneralAlignment"/> is absent.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>Most dimensions a tensor may have (<c>GGML_MAX_DIMS</c>).</summary>
    public const int MaxDimensions = 4;

    /// <summary>Tensor names must be shorter than this many bytes (<c>GGML_MAX_NAME</c>, which includes the C terminator).</summary>
    public const int MaxTensorNameBytes = 64;

    /// <summary>Longest string accepted (<c>GGUF_MAX_STRING_LENGTH</c>, 1 GiB).</summary>
    public const long MaxStringLength = 1L << 30;

    /// <summary>Most elements of one metadata array (<c>GGUF_MAX_ARRAY_ELEMENTS</c>).</summary>
    public const long MaxArrayElements = 1L << 30;

    /// <summary>Size of a string's length prefix.</summary>
    public const int StringLengthSize = 8;

    /// <summary>Size of a value-type tag.</summary>
    public const int ValueTypeSize = 4;

    /// <summary>Size of a tensor info's dimension count.</summary>
    public const int DimensionCountSize = 4;

    /// <summary>Size of a tensor info's GGML type.</summary>
    public const int TensorTypeSize = 4;

    /// <summary>Size of a tensor info's data offset.</summary>
    public const int TensorOffsetSize = 8;

    /// <summary>Smallest possible KV pair: a 1-byte key, a type tag, a 1-byte value.</summary>
    public const int MinKeyValueSize = StringLengthSize + 1 + ValueTypeSize + 1;

    /// <summary>Smallest possible tensor info: empty name, zero dimensions, type, offset.</summary>
    public const int MinTensorInfoSize = StringLengthSize + DimensionCountSize + TensorTypeSize + TensorOffsetSize;

    /// <summary>Padding byte between sections and after each tensor.</summary>
    public const byte PaddingByte = 0;

    /// <summary>The current quantization format version written to <see cref="GgufKeys.GeneralQuantizationVersion"/> (<c>GGML_QNT_VERSION</c>).</summary>
    public const uint QuantizationVersion = 2;

    /// <summary>Architecture name of LLaMA models (<c>MODEL_ARCH.LLAMA</c>).</summary>
    public const string LlamaArchitecture = "llama";

    /// <summary>Tokenizer model name of SentencePiece LLaMA vocabularies (<c>tokenizer.ggml.model</c>).</summary>
    public const string LlamaTokenizerModel = "llama";
}
