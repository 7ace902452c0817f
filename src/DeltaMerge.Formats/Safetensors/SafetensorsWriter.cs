using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Safetensors;

/// <summary>
/// Streams one safetensors file whose tensor list is known up front. The header is written by the constructor;
/// then each tensor's bytes follow in the declared order, whole (<see cref="WriteTensor"/>) or in chunks
/// (<see cref="WriteTensorChunk"/>), and <see cref="Complete"/> checks that all were written. Same inputs → same bytes.
/// Writes to the stream as given: atomic output (temp file, rename) is the caller's job.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    private readonly OrderedTensorWriter _data;

    /// <summary>Validates the tensor list and writes the header to <paramref name="stream"/>.</summary>
    /// <param name="stream">Writable destination, positioned where the file starts.</param>
    /// <param name="tensors">The tensors in the order their data will be written (and laid out).</param>
    /// <param name="metadata">The <c>__metadata__</c> strings; null or empty writes none.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentException">The stream is not writable, or the tensor list is invalid (duplicate or reserved names, negative dimensions, sizes that overflow).</exception>
    public SafetensorsWriter(Stream stream, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata,
        bool leaveOpen = false)
    {
        _data = new OrderedTensorWriter(stream, leaveOpen, this);
        (byte[] header, long[] lengths, long dataLength) = SafetensorsHeaderBuilder.Build(tensors, metadata);
        HeaderLength = header.Length;
        TotalLength = header.Length + dataLength;
        _data.Start(header, tensors.Select(t => t.Name).ToList(), lengths, lengths);  // safetensors data is unpadded
    }

    /// <summary>Bytes of the header, the 8-byte length prefix and padding included (the absolute offset of the data).</summary>
    public long HeaderLength { get; }

    /// <summary>Size of the complete file in bytes.</summary>
    public long TotalLength { get; }

    /// <summary>Size in bytes of the file a writer would produce for these inputs, without writing anything.</summary>
    /// <exception cref="ArgumentException">The tensor list is invalid.</exception>
    public static long ComputeFileSize(IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        (byte[] header, _, long dataLength) = SafetensorsHeaderBuilder.Build(tensors, metadata);
        return header.Length + dataLength;
    }

    /// <summary>The complete header bytes (<c>[u64 n][JSON][padding]</c>) a writer would produce for these inputs.</summary>
    /// <exception cref="ArgumentException">The tensor list is invalid.</exception>
    public static byte[] BuildHeader(IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata) =>
        SafetensorsHeaderBuilder.Build(tensors, metadata).Header;

    /// <summary>Writes all bytes of the next tensor, which must be <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, a tensor partly written by chunks, a wrong length, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensor(string name, ReadOnlySpan<byte> data) => _data.WriteTensor(name, data);

    /// <summary>
    /// Writes the next chunk of the next tensor, which must be <paramref name="name"/>; the tensor is done once its declared
    /// length is reached (a zero-length tensor by one empty chunk).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, more bytes than declared, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensorChunk(string name, ReadOnlySpan<byte> chunk) => _data.WriteTensorChunk(name, chunk);

    /// <summary>Checks that every tensor was written and flushes the stream.</summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or partly written, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Complete() => _data.Complete();

    /// <summary>Disposes the stream unless it was opened with leaveOpen; an incomplete file is left as it is.</summary>
    public void Dispose() => _data.Dispose();
}
