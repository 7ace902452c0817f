using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.Tests.Safetensors;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>One test per GGUF validation rule, each from hand-built bytes; asserts the kind, never the message.</summary>
public sealed class GgufReaderErrorTests
{
    private static CheckpointFormatException AssertKind(byte[] file, FormatErrorKind kind)
    {
        using var reader = new MemoryByteReader(file, "memory.gguf");
        var ex = Assert.Throws<CheckpointFormatException>(() => GgufReader.Open(reader))!;
        Assert.That(ex.Kind, Is.EqualTo(kind), ex.Message);
        Assert.That(ex.FilePath, Is.EqualTo("memory.gguf"));
        Assert.That(ex.ByteOffset, Is.Not.Null);
        return ex;
    }

    private static CheckpointFormatException AssertKind(GgufBytes file, FormatErrorKind kind) => AssertKind(file.ToArray(), kind);

    /// <summary>A file with one tensor "t" and no metadata, padded to the data section.</summary>
    private static GgufBytes OneTensor(uint type, ulong offset, params ulong[] dims) => GgufBytes.Header(1, 0).Tensor("t", type, offset, dims).Pad();

    [Test]
    public void EmptyFile() => AssertKind([], FormatErrorKind.GgufTruncated);

    [Test]
    public void TruncatedHeader() => AssertKind(GgufBytes.Header(0, 0).ToArray()[..20], FormatErrorKind.GgufTruncated);

    [Test]
    public void TruncatedInsideKeyValue() =>
        AssertKind(GgufBytes.Header(0, 2).KvU32("general.a", 1).Str("general.b").U32(4).Raw(1, 2), FormatErrorKind.GgufTruncated);

    [Test]
    public void TruncatedInsideTensorInfo() =>
        AssertKind(GgufBytes.Header(1, 0).Tensor("t", 0, 0, 8).ToArray()[..50], FormatErrorKind.GgufTruncated);

    [Test]
    public void BadMagic()
    {
        byte[] file = GgufBytes.Header(0, 0).ToArray();
        file[0] = (byte)'g';
        Assert.That(AssertKind(file, FormatErrorKind.GgufBadMagic).ByteOffset, Is.EqualTo(0));
    }

    [TestCase(1u)]
    [TestCase(0u)]
    [TestCase(4u)]
    [TestCase(99u)]
    [TestCase(0x03000000u)] // a version 3 file written big-endian
    public void UnsupportedVersion(uint version) => AssertKind(GgufBytes.Header(0, 0, version), FormatErrorKind.GgufUnsupportedVersion);

    [Test]
    public void Version2IsAccepted()
    {
        using var reader = new MemoryByteReader(GgufBytes.Header(0, 1, version: 2).KvU32("a", 7).ToArray());
        GgufReader file = GgufReader.Open(reader);
        Assert.That((file.Version, file.GetUInt32("a")), Is.EqualTo((2u, 7u)));
    }

    [Test]
    public void AbsurdTensorCount()
    {
        byte[] file = GgufBytes.Header(1UL << 40, 0).Zeros(64).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = AssertKind(file, FormatErrorKind.GgufCountTooLarge);
        Assert.That(ex.ByteOffset, Is.EqualTo(8));
        // Nothing sized by the count: a list for 2^40 tensor infos would be terabytes (measured in bytes, not seconds).
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [Test]
    public void AbsurdKeyValueCount() => AssertKind(GgufBytes.Header(0, ulong.MaxValue).Zeros(64), FormatErrorKind.GgufCountTooLarge);

    [Test]
    public void AbsurdStringLength()
    {
        var ex = AssertKind(GgufBytes.Header(0, 1).U64(1UL << 62).Zeros(16), FormatErrorKind.GgufStringTooLong);
        Assert.That(ex.ByteOffset, Is.EqualTo(24));
    }

    [Test]
    public void StringLongerThanRestOfFile() =>
        AssertKind(GgufBytes.Header(0, 1).Str("k").U32(8).U64(100).Raw("abc"u8.ToArray()), FormatErrorKind.GgufStringTooLong);

    [Test]
    public void AbsurdArrayLength() =>
        AssertKind(GgufBytes.Header(0, 1).Str("k").U32(9).U32(4).U64(1UL << 40).Zeros(16), FormatErrorKind.GgufArrayTooLong);

    [Test]
    public void StringArrayLongerThanRestOfFile() =>
        AssertKind(GgufBytes.Header(0, 1).Str("k").U32(9).U32(8).U64(3).Str("a").Str("b"), FormatErrorKind.GgufArrayTooLong);

    [TestCase(13u)]
    [TestCase(0xFFFFFFFFu)]
    public void UnknownValueType(uint type) => AssertKind(GgufBytes.Header(0, 1).Str("k").U32(type).U32(0), FormatErrorKind.GgufUnknownValueType);

    [Test]
    public void ArrayOfArrays() => AssertKind(GgufBytes.Header(0, 1).Str("k").U32(9).U32(9).U64(0).Zeros(8), FormatErrorKind.GgufUnknownValueType);

    [Test]
    public void UnknownArrayElementType() => AssertKind(GgufBytes.Header(0, 1).Str("k").U32(9).U32(42).U64(0), FormatErrorKind.GgufUnknownValueType);

    [Test]
    public void InvalidUtf8() =>
        AssertKind(GgufBytes.Header(0, 1).U64(2).Raw(0xC3, 0x28).U32(0).U8(1), FormatErrorKind.GgufInvalidUtf8);

    [Test]
    public void EmptyKey() => AssertKind(GgufBytes.Header(0, 1).Str("").U32(0).U8(1).Zeros(8), FormatErrorKind.GgufEmptyKey);

    [Test]
    public void DuplicateKey()
    {
        var ex = AssertKind(GgufBytes.Header(0, 2).KvU32("general.x", 1).KvU32("general.x", 2), FormatErrorKind.GgufDuplicateKey);
        Assert.That(ex.ByteOffset, Is.EqualTo(24 + 8 + 9 + 4 + 4));
    }

    [Test]
    public void AlignmentNotPowerOfTwo() => AssertKind(GgufBytes.Header(0, 1).KvU32("general.alignment", 24), FormatErrorKind.GgufInvalidAlignment);

    [Test]
    public void AlignmentZero() => AssertKind(GgufBytes.Header(0, 1).KvU32("general.alignment", 0), FormatErrorKind.GgufInvalidAlignment);

    [Test]
    public void AlignmentNotUInt32() =>
        AssertKind(GgufBytes.Header(0, 1).Str("general.alignment").U32(10).U64(32), FormatErrorKind.GgufInvalidAlignment);

    [Test]
    public void TensorNameTooLong() =>
        AssertKind(GgufBytes.Header(1, 0).Tensor(new string('n', 64), 0, 0, 8).Pad().Zeros(32), FormatErrorKind.GgufTensorNameTooLong);

    [Test]
    public void DuplicateTensorName()
    {
        var ex = AssertKind(GgufBytes.Header(2, 0).Tensor("t", 0, 0, 8).Tensor("t", 0, 32, 8).Pad().Zeros(64), FormatErrorKind.DuplicateTensor);
        Assert.That(ex.TensorName, Is.EqualTo("t"));
    }

    [Test]
    public void FiveDimensions() => AssertKind(OneTensor(0, 0, 1, 1, 1, 1, 2).Zeros(32), FormatErrorKind.GgufTooManyDimensions);

    [Test]
    public void ZeroDimension() => AssertKind(OneTensor(0, 0, 8, 0).Zeros(32), FormatErrorKind.GgufNonPositiveDimension);

    [Test]
    public void NegativeDimension() => AssertKind(OneTensor(0, 0, 8, ulong.MaxValue).Zeros(32), FormatErrorKind.GgufNonPositiveDimension);

    [TestCase(99u)]
    [TestCase(4u)]   // Q4_2, retired
    [TestCase(31u)]  // Q4_0_4_4, retired
    public void UnknownGgmlType(uint type)
    {
        var ex = AssertKind(OneTensor(type, 0, 8).Zeros(32), FormatErrorKind.GgufUnknownTensorType);
        Assert.That(ex.Message, Does.Contain(type.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Q8_0RowNotMultipleOf32() => AssertKind(OneTensor(8, 0, 48, 2).Zeros(128), FormatErrorKind.GgufRowNotBlockMultiple);

    [Test]
    public void SizeOverflow() =>
        AssertKind(OneTensor(0, 0, 1UL << 31, 1UL << 31, 1UL << 31).Zeros(32), FormatErrorKind.InvalidShape);

    [Test]
    public void MisalignedOffset() => AssertKind(OneTensor(0, 4, 8).Zeros(64), FormatErrorKind.GgufMisalignedOffset);

    [Test]
    public void MisalignedUnderCustomAlignment()
    {
        // 32 is aligned by default but not under general.alignment = 64.
        var file = GgufBytes.Header(2, 1).KvU32("general.alignment", 64).Tensor("a", 0, 0, 8).Tensor("b", 0, 32, 8).Pad(64).Zeros(128);
        AssertKind(file, FormatErrorKind.GgufMisalignedOffset);
    }

    [Test]
    public void OverlappingTensors()
    {
        // Two F32 [16] tensors (64 bytes each) at 0 and 32.
        var ex = AssertKind(GgufBytes.Header(2, 0).Tensor("a", 0, 0, 16).Tensor("b", 0, 32, 16).Pad().Zeros(128), FormatErrorKind.GgufTensorOverlap);
        Assert.That(ex.TensorName, Is.EqualTo("b"));
    }

    [Test]
    public void DataPastEndOfFile() => AssertKind(OneTensor(0, 0, 8).Zeros(31), FormatErrorKind.GgufDataPastEnd);

    [Test]
    public void OffsetFarPastEndOfFile() => AssertKind(OneTensor(0, 1UL << 63, 8).Zeros(32), FormatErrorKind.GgufDataPastEnd);

    [Test]
    public void MissingKeyAndTypeMismatch()
    {
        using var reader = new MemoryByteReader(GgufBytes.Header(0, 1).Str("llama.context_length").U32(8).Str("2048").ToArray());
        GgufReader file = GgufReader.Open(reader);
        Assert.That(Assert.Throws<CheckpointFormatException>(() => file.GetUInt32("llama.block_count"))!.Kind, Is.EqualTo(FormatErrorKind.GgufMissingKey));
        Assert.That(Assert.Throws<CheckpointFormatException>(() => file.GetUInt32("llama.context_length"))!.Kind,
            Is.EqualTo(FormatErrorKind.GgufMetadataTypeMismatch));
        Assert.That(file.GetString("llama.context_length"), Is.EqualTo("2048"));
    }

    [Test]
    public void ValidHandBuiltFile()
    {
        byte[] file = GgufBytes.Header(2, 1).KvU32("general.alignment", 32).Tensor("a", 0, 0, 8).Tensor("q", 8, 32, 32).Pad().Zeros(32 + 34).ToArray();
        using var reader = new MemoryByteReader(file);
        GgufReader gguf = GgufReader.Open(reader);
        Assert.That(gguf.Tensors.Select(t => (t.Name, t.Type, t.Offset - gguf.DataOffset, t.ByteLength)),
            Is.EqualTo(new[] { ("a", GgmlType.F32, 0L, 32L), ("q", GgmlType.Q8_0, 32L, 34L) }));
        Assert.That(gguf.TensorEntries.Select(e => e.Name), Is.EqualTo(new[] { "a" }));
    }
}
