using System.Text;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>One test per validation rule, each from a hand-built byte fixture; asserts the kind, never the message.</summary>
public sealed class SafetensorsHeaderErrorTests
{
    private static CheckpointFormatException AssertKind(byte[] file, FormatErrorKind kind)
    {
        using var reader = new MemoryByteReader(file);
        var ex = Assert.Throws<CheckpointFormatException>(() => SafetensorsHeader.Read(reader))!;
        Assert.That(ex.Kind, Is.EqualTo(kind), ex.Message);
        Assert.That(ex.FilePath, Is.EqualTo(MemoryByteReader.DefaultPath));
        return ex;
    }

    private static CheckpointFormatException AssertKind(string json, int dataLength, FormatErrorKind kind) =>
        AssertKind(SafetensorsBytes.Build(json, dataLength), kind);

    [Test]
    public void TooShort() => AssertKind(new byte[7], FormatErrorKind.SafetensorsTooShort);

    [Test]
    public void EmptyFile() => AssertKind([], FormatErrorKind.SafetensorsTooShort);

    [Test]
    public void HeaderTooLarge() => AssertKind(SafetensorsBytes.Build([], [], 100_000_001), FormatErrorKind.SafetensorsHeaderTooLarge);

    [Test]
    public void HeaderLengthMaxValue() => AssertKind(SafetensorsBytes.Build([], [], ulong.MaxValue), FormatErrorKind.SafetensorsHeaderTooLarge);

    [Test]
    public void HeaderPastEnd() => AssertKind(SafetensorsBytes.Build("{}"u8.ToArray(), [], 100), FormatErrorKind.SafetensorsHeaderIncomplete);

    [Test]
    public void NotUtf8()
    {
        var ex = AssertKind(SafetensorsBytes.Build([(byte)'{', 0xFF, (byte)'}'], []), FormatErrorKind.SafetensorsHeaderNotUtf8);
        Assert.That(ex.ByteOffset, Is.EqualTo(9));
    }

    [Test]
    public void NotJson() => AssertKind("""{"a":""", 0, FormatErrorKind.SafetensorsHeaderNotJson);

    [Test]
    public void EmptyHeaderIsNotJson() => AssertKind("", 0, FormatErrorKind.SafetensorsHeaderNotJson);

    [Test]
    public void ByteOrderMarkIsNotJson() =>
        AssertKind(SafetensorsBytes.Build([.. Encoding.UTF8.GetPreamble(), .. "{}"u8.ToArray()], []), FormatErrorKind.SafetensorsHeaderNotJson);

    [Test]
    public void ArrayAtTopLevel() => AssertKind("[]", 0, FormatErrorKind.SafetensorsHeaderNotObject);

    [Test]
    public void EntryMissingDType() =>
        AssertKind("""{"a":{"shape":[2],"data_offsets":[0,4]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void EntryWithExtraKey() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4],"x":1}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void EntryWithDuplicateKey() =>
        AssertKind("""{"a":{"dtype":"F16","dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void EntryNotObject() => AssertKind("""{"a":[1]}""", 0, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void DTypeNotString() =>
        AssertKind("""{"a":{"dtype":2,"shape":[2],"data_offsets":[0,4]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void FractionalDimension() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[1.5],"data_offsets":[0,4]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void ThreeDataOffsets() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4,4]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void NegativeDataOffset() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[-4,0]}}""", 4, FormatErrorKind.SafetensorsInvalidEntry);

    [Test]
    public void UnknownDType() =>
        AssertKind("""{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,4]}}""", 4, FormatErrorKind.UnknownDType);

    [Test]
    public void NegativeDimension() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[-2],"data_offsets":[0,4]}}""", 4, FormatErrorKind.InvalidShape);

    [Test]
    public void OverflowingShape() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[4294967296,4294967296],"data_offsets":[0,4]}}""", 4, FormatErrorKind.InvalidShape);

    [Test]
    public void DimensionBeyondInt64() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[99999999999999999999],"data_offsets":[0,4]}}""", 4, FormatErrorKind.InvalidShape);

    [Test]
    public void DuplicateName()
    {
        var ex = AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"a":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}""",
            8, FormatErrorKind.DuplicateTensor);
        Assert.That(ex.TensorName, Is.EqualTo("a"));
    }

    [Test]
    public void MetadataWithNumberValue() => AssertKind("""{"__metadata__":{"format":1}}""", 0, FormatErrorKind.SafetensorsInvalidMetadata);

    [Test]
    public void MetadataNotObject() => AssertKind("""{"__metadata__":"pt"}""", 0, FormatErrorKind.SafetensorsInvalidMetadata);

    [Test]
    public void Gap()
    {
        var ex = AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]}}""",
            12, FormatErrorKind.SafetensorsOffsetGap);
        Assert.That(ex.TensorName, Is.EqualTo("b"));
    }

    [Test]
    public void FirstTensorNotAtZero() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}""", 8, FormatErrorKind.SafetensorsOffsetGap);

    [Test]
    public void Overlap() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}}""",
            6, FormatErrorKind.SafetensorsOffsetOverlap);

    [Test]
    public void EndBeforeBegin() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[4,0]}}""", 4, FormatErrorKind.SafetensorsOffsetOverlap);

    [Test]
    public void ByteSizeMismatch() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,6]}}""", 6, FormatErrorKind.TensorByteSizeMismatch);

    [Test]
    public void TruncatedData() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 3, FormatErrorKind.SafetensorsFileLengthMismatch);

    [Test]
    public void TrailingBytes() =>
        AssertKind("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 5, FormatErrorKind.SafetensorsFileLengthMismatch);

    [Test]
    public void HugeOffsetsAreALengthMismatchNotAnOverflow() =>
        AssertKind("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[9223372036854775807],"data_offsets":[0,9223372036854775807]}}""",
            0, FormatErrorKind.SafetensorsFileLengthMismatch);
}
