using System.Text;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// Reads where the tensors of a <c>torch.save</c> checkpoint (<c>.bin</c>/<c>.pth</c>/<c>.pt</c>, the zip format of
/// PyTorch 1.6 and later) lie, without running its pickle and without reading tensor data.
/// </summary>
/// <remarks>
/// The archive holds <c>&lt;prefix&gt;/data.pkl</c> (the pickled state dict), <c>&lt;prefix&gt;/data/&lt;key&gt;</c>
/// (one stored entry per storage), <c>&lt;prefix&gt;/version</c> and optionally <c>&lt;prefix&gt;/byteorder</c>.
/// The pickle must be a dict of str to tensor; each tensor must be a dense row-major view of its storage.
/// </remarks>
public sealed class TorchZipCheckpoint
{
    /// <summary>Largest <c>data.pkl</c> read into memory; a 70B state dict's pickle is well under 1 MiB.</summary>
    public const long MaxPickleBytes = 256L << 20;

    private const string PickleName = "data.pkl";
    private const string ByteOrderName = "byteorder";
    private const string LittleEndian = "little";
    private const int MaxByteOrderBytes = 16;
    private const byte PickleProto = PickleOpcode.Proto;

    private TorchZipCheckpoint(string archivePrefix, IReadOnlyList<TensorEntry> tensors)
    {
        ArchivePrefix = archivePrefix;
        Tensors = tensors;
    }

    /// <summary>The archive's top-level folder (<c>archive</c>, or the file stem for PyTorch before 2.1).</summary>
    public string ArchivePrefix { get; }

    /// <summary>The tensors in the state dict's order, each pointing at its bytes in the file.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>Reads the tensor table of the checkpoint behind <paramref name="reader"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid torch.save zip checkpoint of a state dict.</exception>
    public static TorchZipCheckpoint Read(IByteReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RejectLegacyFormat(reader);
        ZipDirectory zip = ZipDirectory.Read(reader);

        (string prefix, ZipEntry pickleEntry) = FindPickle(reader, zip);
        CheckByteOrder(reader, zip, prefix);

        if (pickleEntry.UncompressedSize > MaxPickleBytes)
            throw new CheckpointFormatException(FormatErrorKind.PickleUnexpectedStructure,
                $"'{pickleEntry.Name}' is {pickleEntry.UncompressedSize} bytes; the cap is {MaxPickleBytes}", reader.FilePath,
                byteOffset: pickleEntry.LocalHeaderOffset);
        long pickleOffset = zip.GetStoredDataOffset(pickleEntry);
        byte[] pickle = new byte[pickleEntry.UncompressedSize];
        reader.ReadExactly(pickleOffset, pickle);

        object? root = RestrictedUnpickler.Load(pickle, reader.FilePath, pickleOffset);
        return new TorchZipCheckpoint(prefix, BuildEntries(reader, zip, prefix, root));
    }

    /// <summary>Shorthand for <see cref="Read"/>(<paramref name="reader"/>).<see cref="Tensors"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid torch.save zip checkpoint of a state dict.</exception>
    public static IReadOnlyList<TensorEntry> ReadTensors(IByteReader reader) => Read(reader).Tensors;

    // Before PyTorch 1.6 torch.save wrote a bare sequence of pickles (magic number, protocol, sys info, object).
    private static void RejectLegacyFormat(IByteReader reader)
    {
        if (reader.Length == 0) return;
        Span<byte> first = stackalloc byte[1];
        reader.ReadExactly(0, first);
        if (first[0] == PickleProto)
            throw new CheckpointFormatException(FormatErrorKind.LegacyTorchFormat,
                "the file starts with a pickle stream: the legacy (pre-1.6) torch.save format; only the zip format is supported " +
                "(re-save it with a current PyTorch, or convert it to safetensors)", reader.FilePath, byteOffset: 0);
    }

    private static (string Prefix, ZipEntry Entry) FindPickle(IByteReader reader, ZipDirectory zip)
    {
        // <prefix>/data.pkl with a one-component prefix; PyTorch names the prefix after the file or 'archive'.
        ZipEntry[] candidates = zip.Entries
            .Where(e => e.Name.EndsWith("/" + PickleName, StringComparison.Ordinal) && e.Name.IndexOf('/') == e.Name.Length - PickleName.Length - 1)
            .ToArray();
        if (candidates.Length == 0)
            throw new CheckpointFormatException(FormatErrorKind.ZipEntryMissing,
                $"no '<prefix>/{PickleName}' entry among the archive's {zip.Entries.Count} entries: not a torch.save checkpoint", reader.FilePath);
        if (candidates.Length > 1)
            throw new CheckpointFormatException(FormatErrorKind.ZipCorrupt,
                $"several pickles ({string.Join(", ", candidates.Select(c => c.Name))}); a torch.save archive has one", reader.FilePath);
        ZipEntry entry = candidates[0];
        return (entry.Name[..^(PickleName.Length + 1)], entry);
    }

    private static void CheckByteOrder(IByteReader reader, ZipDirectory zip, string prefix)
    {
        ZipEntry? entry = zip.Find($"{prefix}/{ByteOrderName}");
        if (entry == null) return; // written since PyTorch 1.13; older files are little-endian
        long offset = zip.GetStoredDataOffset(entry);
        byte[] text = new byte[Math.Min(entry.UncompressedSize, MaxByteOrderBytes)];
        reader.ReadExactly(offset, text);
        string order = Encoding.ASCII.GetString(text).Trim();
        if (entry.UncompressedSize > MaxByteOrderBytes || order != LittleEndian)
            throw new CheckpointFormatException(FormatErrorKind.UnsupportedByteOrder,
                $"'{entry.Name}' says '{order}'; expected '{LittleEndian}'", reader.FilePath, byteOffset: offset);
    }

    private static List<TensorEntry> BuildEntries(IByteReader reader, ZipDirectory zip, string prefix, object? root)
    {
        if (root is not PickleDict dict)
            throw new CheckpointFormatException(FormatErrorKind.PickleUnexpectedStructure,
                $"the pickled object is {RestrictedUnpickler.TypeName(root)}; expected a state dict (dict of str to tensor)", reader.FilePath);

        var storages = new Dictionary<string, (StorageRef Storage, long DataOffset)>(StringComparer.Ordinal);
        var entries = new List<TensorEntry>(dict.Count);
        foreach ((object? key, object? value) in dict.Items)
        {
            if (key is not string name)
                throw new CheckpointFormatException(FormatErrorKind.PickleUnexpectedStructure,
                    $"state dict key is {RestrictedUnpickler.TypeName(key)}; expected str", reader.FilePath);
            if (value is not TensorRef tensor)
                throw new CheckpointFormatException(FormatErrorKind.PickleUnexpectedStructure,
                    $"value is {RestrictedUnpickler.TypeName(value)}; expected a tensor", reader.FilePath, name);

            long dataOffset = LocateStorage(reader, zip, prefix, name, tensor.Storage, storages);
            entries.Add(ToEntry(reader, name, tensor, dataOffset));
        }
        return entries;
    }

    // Resolves a storage to its zip entry once; tensors sharing it (views, tied weights) reuse the result.
    private static long LocateStorage(IByteReader reader, ZipDirectory zip, string prefix, string name, StorageRef storage,
        Dictionary<string, (StorageRef Storage, long DataOffset)> storages)
    {
        if (storages.TryGetValue(storage.Key, out var known))
        {
            if (known.Storage.DType != storage.DType || known.Storage.ElementCount != storage.ElementCount)
                throw new CheckpointFormatException(FormatErrorKind.PickleUnexpectedStructure,
                    $"storage '{storage.Key}' is {storage.DType} x {storage.ElementCount} here but {known.Storage.DType} x {known.Storage.ElementCount} for an earlier tensor",
                    reader.FilePath, name);
            return known.DataOffset;
        }

        string entryName = $"{prefix}/data/{storage.Key}";
        ZipEntry entry = zip.Find(entryName)
            ?? throw new CheckpointFormatException(FormatErrorKind.ZipEntryMissing,
                $"storage '{storage.Key}' has no zip entry '{entryName}'", reader.FilePath, name);
        int elementSize = DTypeInfo.SizeOf(storage.DType);
        long storageBytes = storage.ElementCount <= long.MaxValue / elementSize ? storage.ElementCount * elementSize : -1;
        if (entry.UncompressedSize != storageBytes)
            throw new CheckpointFormatException(FormatErrorKind.StorageOutOfRange,
                $"storage '{storage.Key}' of {storage.ElementCount} {storage.DType} elements needs {(storageBytes < 0 ? "more than 2^63" : storageBytes)} bytes but '{entryName}' holds {entry.UncompressedSize}",
                reader.FilePath, name, entry.LocalHeaderOffset);
        long dataOffset = zip.GetStoredDataOffset(entry);
        storages.Add(storage.Key, (storage, dataOffset));
        return dataOffset;
    }

    private static TensorEntry ToEntry(IByteReader reader, string name, TensorRef tensor, long storageDataOffset)
    {
        long[] shape = tensor.Shape;
        long numel;
        try
        {
            if (shape.Any(d => d < 0)) throw new OverflowException();
            numel = DTypeInfo.ElementCount(shape);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(FormatErrorKind.InvalidShape,
                $"shape {TensorEntry.FormatShape(shape)} has a negative dimension or too many elements", reader.FilePath, name);
        }

        if (numel > 0 && !IsRowMajor(shape, tensor.Stride))
            throw new CheckpointFormatException(FormatErrorKind.NonContiguousTensor,
                $"shape {TensorEntry.FormatShape(shape)} has strides {TensorEntry.FormatShape(tensor.Stride)}; expected the dense row-major strides " +
                $"{TensorEntry.FormatShape(RowMajorStrides(shape))} (save .contiguous() tensors)", reader.FilePath, name);

        long storageNumel = tensor.Storage.ElementCount;
        if (tensor.StorageOffset < 0 || tensor.StorageOffset > storageNumel || numel > storageNumel - tensor.StorageOffset)
            throw new CheckpointFormatException(FormatErrorKind.StorageOutOfRange,
                $"elements [{tensor.StorageOffset}, {tensor.StorageOffset} + {numel}) lie outside storage '{tensor.Storage.Key}' of {storageNumel} elements",
                reader.FilePath, name);

        int elementSize = DTypeInfo.SizeOf(tensor.Storage.DType);
        return new TensorEntry(name, tensor.Storage.DType, shape, reader.FilePath,
            storageDataOffset + tensor.StorageOffset * elementSize, numel * elementSize);
    }

    // Dimensions of size 1 may have any stride: they are never stepped over.
    private static bool IsRowMajor(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    private static long[] RowMajorStrides(long[] shape)
    {
        var stride = new long[shape.Length];
        long step = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            stride[i] = step;
            step *= shape[i];
        }
        return stride;
    }
}
