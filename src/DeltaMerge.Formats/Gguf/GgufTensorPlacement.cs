namespace DeltaMerge.Formats.Gguf;

/// <summary>Where one tensor's data goes in a GGUF file a <see cref="GgufWriter"/> writes.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Offset">Absolute byte offset of its data.</param>
/// <param name="ByteLength">Bytes of data.</param>
/// <param name="PaddedLength">Bytes of data plus the zero padding that brings the next tensor to the alignment.</param>
public sealed record GgufTensorPlacement(string Name, long Offset, long ByteLength, long PaddedLength);
