namespace DeltaMerge.Formats;

/// <summary>One member per validation rule of the readers; tests assert the kind, never the message text.</summary>
public enum FormatErrorKind
{
    // ---- Safetensors ----
    /// <summary>The file is shorter than the 8-byte header length prefix.</summary>
    SafetensorsTooShort,
    /// <summary>The declared header length exceeds the 100 MB limit.</summary>
    SafetensorsHeaderTooLarge,
    /// <summary>The declared header runs past the end of the file.</summary>
    SafetensorsHeaderIncomplete,
    /// <summary>The header is not valid UTF-8.</summary>
    SafetensorsHeaderNotUtf8,
    /// <summary>The header is not valid JSON.</summary>
    SafetensorsHeaderNotJson,
    /// <summary>The header is valid JSON but not an object of tensor entries.</summary>
    SafetensorsHeaderNotObject,
    /// <summary>A tensor entry lacks dtype, shape or data_offsets, or has values of the wrong JSON type.</summary>
    SafetensorsInvalidEntry,
    /// <summary>A dtype string that is not one of the format's types.</summary>
    UnknownDType,
    /// <summary>A negative dimension, or a size that overflows.</summary>
    InvalidShape,
    /// <summary>Data offsets leave a gap between tensors or do not start at 0.</summary>
    SafetensorsOffsetGap,
    /// <summary>Data offsets of two tensors overlap, or an end lies before its begin.</summary>
    SafetensorsOffsetOverlap,
    /// <summary>end - begin differs from elements x element size.</summary>
    TensorByteSizeMismatch,
    /// <summary>The file is longer or shorter than header + data.</summary>
    SafetensorsFileLengthMismatch,
    /// <summary><c>__metadata__</c> is not an object of strings.</summary>
    SafetensorsInvalidMetadata,
    /// <summary>Two tensors with the same name.</summary>
    DuplicateTensor,

    // ---- Zip container of torch.save ----
    /// <summary>No end-of-central-directory record: not a zip file, or truncated.</summary>
    ZipNotAnArchive,
    /// <summary>A zip structure is inconsistent (bad signature, offsets outside the file).</summary>
    ZipCorrupt,
    /// <summary>An entry is compressed; torch.save stores entries uncompressed.</summary>
    ZipCompressedEntry,
    /// <summary>An entry the checkpoint needs (data.pkl, a storage) is absent.</summary>
    ZipEntryMissing,

    // ---- Pickle ----
    /// <summary>An opcode outside the subset torch.save produces.</summary>
    PickleUnsupportedOpcode,
    /// <summary>A global outside the allow-list (would import or run code).</summary>
    PickleForbiddenGlobal,
    /// <summary>The pickle stream is malformed (stack underflow, missing mark, truncated, bad memo reference).</summary>
    PickleMalformed,
    /// <summary>The unpickled object is not the state dict of tensors torch.save writes.</summary>
    PickleUnexpectedStructure,
    /// <summary>The checkpoint was written big-endian.</summary>
    UnsupportedByteOrder,
    /// <summary>A tensor view is not dense row-major over its storage.</summary>
    NonContiguousTensor,
    /// <summary>A tensor view reaches outside its storage.</summary>
    StorageOutOfRange,
    /// <summary>A pre-1.6 <c>torch.save</c> file (a bare pickle stream); only the zip format is read.</summary>
    LegacyTorchFormat,

    // ---- Model directories ----
    /// <summary>The path is not a directory or a file of a supported format.</summary>
    ModelNotFound,
    /// <summary>A directory without a recognisable weights file.</summary>
    NoWeights,
    /// <summary>A shard index (<c>*.index.json</c>) is malformed.</summary>
    InvalidShardIndex,
    /// <summary>A file named by a shard index is absent.</summary>
    ShardMissing,
    /// <summary>A shard index and the shards disagree about which tensors exist where.</summary>
    ShardIndexMismatch,
    /// <summary>config.json or params.json is malformed.</summary>
    InvalidConfig,

    // ---- Meta checkpoints ----
    /// <summary>A directory with <c>consolidated.NN.pth</c> files but no <c>params.json</c>.</summary>
    MetaParamsMissing,
    /// <summary><c>params.json</c> is not JSON, lacks a required field, has a field of the wrong type, or values that
    /// do not describe a LLaMA model (dim not divisible by n_heads, an odd head size, n_heads not a multiple of n_kv_heads).</summary>
    MetaParamsInvalid,
    /// <summary>A <c>consolidated.NN.pth</c> shard is absent: the numbers have a gap, or the tensors are split over more
    /// shards than the directory holds.</summary>
    MetaShardMissing,
    /// <summary>A tensor that params.json implies (e.g. <c>layers.3.attention.wq.weight</c>) is absent from a shard.</summary>
    MetaTensorMissing,
    /// <summary>A shard holds a tensor that is not part of a LLaMA checkpoint with these params.</summary>
    MetaUnexpectedTensor,
    /// <summary>A tensor's shape (or dtype) in a shard is not what params.json and the shard count imply, or replicated
    /// tensors differ between shards.</summary>
    MetaShapeMismatch,

    // ---- Checksums ----
    /// <summary>A line of a checksum file that is not <c>HEX  NAME</c>.</summary>
    InvalidChecksumFile,

    // ---- SentencePiece / tokenizer files ----
    /// <summary>tokenizer.model is not a well-formed SentencePiece ModelProto: truncated, a known field with the wrong
    /// wire type, a group, invalid UTF-8, an empty piece or a piece type outside the enum.</summary>
    SentencePieceInvalid,
    /// <summary>tokenizer.model is a SentencePiece model of another type than BPE (unigram, word, char): not LLaMA's.</summary>
    SentencePieceNotBpe,
    /// <summary>tokenizer.model normalizes characters with a precompiled map (nmt_nfkc and the like): not LLaMA's identity normalization.</summary>
    SentencePieceUnsupportedNormalization,
    /// <summary>tokenizer.model parsed but holds no pieces (an empty file, or bytes that are not a model).</summary>
    SentencePieceNoPieces,
    /// <summary>added_tokens.json, tokenizer_config.json or tokenizer.json is not JSON, or a value has the wrong JSON type.</summary>
    TokenizerFileInvalid,
    /// <summary>An added token's id is negative or not below the vocabulary size (config.json <c>vocab_size</c>).</summary>
    AddedTokenOutOfRange,
    /// <summary>config.json <c>vocab_size</c> is smaller than the number of SentencePiece pieces.</summary>
    VocabularyTooSmall,

    // ---- GGUF ----
    /// <summary>A GGUF read as a model is not a LLaMA (general.architecture).</summary>
    GgufUnsupportedArchitecture,
    /// <summary>A GGUF tensor name that does not map to a Hugging Face LLaMA name.</summary>
    GgufUnknownTensorName,
    /// <summary>A quantized GGUF tensor where exact values are needed (conversion back to safetensors).</summary>
    GgufQuantizedTensor,
    /// <summary>The file ends inside the GGUF header, metadata or tensor infos.</summary>
    GgufTruncated,
    /// <summary>The first four bytes are not <c>GGUF</c>.</summary>
    GgufBadMagic,
    /// <summary>A GGUF version other than 2 or 3 (version 1 used 32-bit counts; a byte-swapped version means a big-endian file).</summary>
    GgufUnsupportedVersion,
    /// <summary>The tensor count or metadata count is more than the rest of the file could hold.</summary>
    GgufCountTooLarge,
    /// <summary>A string's length runs past the end of the file or exceeds the 1 GiB limit.</summary>
    GgufStringTooLong,
    /// <summary>An array's element count is more than the rest of the file could hold or exceeds the 2^30 limit.</summary>
    GgufArrayTooLong,
    /// <summary>A metadata value type (or array element type) that is not one of the 13 GGUF types, or an array of arrays.</summary>
    GgufUnknownValueType,
    /// <summary>A key, tensor name or string value that is not valid UTF-8.</summary>
    GgufInvalidUtf8,
    /// <summary>A metadata key of length zero.</summary>
    GgufEmptyKey,
    /// <summary>Two metadata entries with the same key.</summary>
    GgufDuplicateKey,
    /// <summary><c>general.alignment</c> is not a uint32 power of two.</summary>
    GgufInvalidAlignment,
    /// <summary>A tensor name of 64 bytes or more (llama.cpp's GGML_MAX_NAME).</summary>
    GgufTensorNameTooLong,
    /// <summary>A tensor with more than 4 dimensions (GGML_MAX_DIMS).</summary>
    GgufTooManyDimensions,
    /// <summary>A tensor dimension that is zero or negative.</summary>
    GgufNonPositiveDimension,
    /// <summary>A GGML tensor type number llama.cpp does not define.</summary>
    GgufUnknownTensorType,
    /// <summary>A block-quantized tensor whose rows (dims[0]) are not a multiple of the type's block size.</summary>
    GgufRowNotBlockMultiple,
    /// <summary>A tensor offset that is not a multiple of the alignment.</summary>
    GgufMisalignedOffset,
    /// <summary>Two tensors' data ranges overlap.</summary>
    GgufTensorOverlap,
    /// <summary>A tensor's data runs past the end of the file.</summary>
    GgufDataPastEnd,
    /// <summary>The attention head counts do not split a query or key tensor's rows into heads of an even size (or are zero).</summary>
    GgufInvalidHeadCount,
    /// <summary>A metadata key that a caller needs is absent.</summary>
    GgufMissingKey,
    /// <summary>A metadata value has another type than the one a caller needs (e.g. a string context length).</summary>
    GgufMetadataTypeMismatch,
}
