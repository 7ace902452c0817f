using DeltaMerge.Formats.Pickle;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>The pickle VM on hand-made streams: what it refuses, and that refusing runs nothing.</summary>
public sealed class RestrictedUnpicklerTests
{
    private static CheckpointFormatException Fails(byte[] pickle, FormatErrorKind kind)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => RestrictedUnpickler.Load(pickle, "data.pkl", 1000))!;
        Assert.That(e.Kind, Is.EqualTo(kind), e.Message);
        return e;
    }

    [Test]
    public void UnknownOpcodeIsNamedWithItsOffset()
    {
        // INST ('i') at offset 2: an opcode that would call a class.
        CheckpointFormatException e = Fails(new PickleBuilder().Proto().Raw((byte)'i').Stop().ToArray(), FormatErrorKind.PickleUnsupportedOpcode);
        Assert.That(e.ByteOffset, Is.EqualTo(1002));
        Assert.That(e.Message, Does.Contain("0x69").And.Contain("INST").And.Contain("offset 2"));
    }

    [TestCase("os", "system")]
    [TestCase("posix", "system")]
    [TestCase("builtins", "eval")]
    [TestCase("subprocess", "call")]
    public void ForbiddenGlobalIsRefusedAndNothingRuns(string module, string name)
    {
        string marker = Path.Combine(Path.GetTempPath(), $"deltamerge-pwned-{Guid.NewGuid():N}");
        string command = name == "eval" ? $"__import__('os').system('touch {marker}')" : $"touch {marker}";
        byte[] pickle = new PickleBuilder().Proto().Global(module, name).Mark().Unicode(command).Tuple().Reduce().Stop().ToArray();

        CheckpointFormatException e = Fails(pickle, FormatErrorKind.PickleForbiddenGlobal);

        Assert.That(e.Message, Does.Contain($"'{module}'").And.Contain($"'{name}'"));
        Assert.That(e.ByteOffset, Is.EqualTo(1002));
        Assert.That(File.Exists(marker), Is.False);
    }

    [Test]
    public void ForbiddenStackGlobalIsRefused()
    {
        byte[] pickle = new PickleBuilder().Proto(4).Raw(0x8c, 2).Raw("os"u8.ToArray()).Raw(0x8c, 6).Raw("system"u8.ToArray())
            .Raw(0x93).Stop().ToArray();
        CheckpointFormatException e = Fails(pickle, FormatErrorKind.PickleForbiddenGlobal);
        Assert.That(e.ByteOffset, Is.EqualTo(1000 + 14));
    }

    [Test]
    public void AllowedModuleWithOtherNameIsRefused() =>
        Fails(new PickleBuilder().Proto().Global("torch", "load").Stop().ToArray(), FormatErrorKind.PickleForbiddenGlobal);

    [Test]
    public void TruncatedStream()
    {
        byte[] whole = new PickleBuilder().Proto().Unicode("model.embed_tokens.weight").Stop().ToArray();
        Fails(whole[..10], FormatErrorKind.PickleMalformed);
    }

    [Test]
    public void StreamWithoutStop() =>
        Fails(new PickleBuilder().Proto().EmptyDict().ToArray(), FormatErrorKind.PickleMalformed);

    [Test]
    public void StackUnderflow()
    {
        CheckpointFormatException e = Fails(new PickleBuilder().Proto().Reduce().Stop().ToArray(), FormatErrorKind.PickleMalformed);
        Assert.That(e.ByteOffset, Is.EqualTo(1002));
    }

    [Test]
    public void UnderflowDoesNotReachBelowAMark() =>
        Fails(new PickleBuilder().Proto().EmptyTuple().Mark().Raw(0x85).Stop().ToArray(), FormatErrorKind.PickleMalformed);

    [Test]
    public void TupleWithoutMark() =>
        Fails(new PickleBuilder().Proto().EmptyTuple().Tuple().Stop().ToArray(), FormatErrorKind.PickleMalformed);

    [Test]
    public void BadMemoIndex() =>
        Fails(new PickleBuilder().Proto().Raw((byte)'h', 5).Stop().ToArray(), FormatErrorKind.PickleMalformed);

    [Test]
    public void OversizedStringIsRefusedBeforeAllocation() =>
        Fails(new PickleBuilder().Proto().Raw((byte)'X', 0, 0, 0, 0x40).Stop().ToArray(), FormatErrorKind.PickleMalformed);

    [Test]
    public void NewerProtocolIsUnsupported() =>
        Fails(new PickleBuilder().Proto(5).EmptyDict().Stop().ToArray(), FormatErrorKind.PickleUnsupportedOpcode);

    [Test]
    public void CallingAStorageClassIsUnexpected() =>
        Fails(new PickleBuilder().Proto().Global("torch", "HalfStorage").EmptyTuple().Reduce().Stop().ToArray(),
            FormatErrorKind.PickleUnexpectedStructure);

    [Test]
    public void PersistentIdMustBeAStorageTuple() =>
        Fails(new PickleBuilder().Proto().Unicode("x").BinPersId().Stop().ToArray(), FormatErrorKind.PickleUnexpectedStructure);

    [Test]
    public void StateDictBuildsInertRecords()
    {
        byte[] pickle = PickleBuilder.StateDict(new FakeTensor("w", "BFloat16Storage", "0", 8, 2, [2, 3], [3, 1]));

        var dict = (PickleDict)RestrictedUnpickler.Load(pickle)!;

        var tensor = (TensorRef)dict.Items.Single().Value!;
        Assert.That(dict.Items.Single().Key, Is.EqualTo("w"));
        Assert.That(tensor.Storage, Is.EqualTo(new StorageRef("0", DType.BF16, 8, "cpu")));
        Assert.That(tensor.StorageOffset, Is.EqualTo(2));
        Assert.That(tensor.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(tensor.Stride, Is.EqualTo(new long[] { 3, 1 }));
    }

    [Test]
    public void ScalarsAndPy2Strings()
    {
        // LONG1 -1, BINFLOAT 1.5, SHORT_BINSTRING 'ab', BINSTRING 'c', NONE, NEWTRUE in a list.
        byte[] pickle = new PickleBuilder().Proto().EmptyList().Mark()
            .Raw(0x8a, 1, 0xff)
            .Raw((byte)'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)
            .Raw((byte)'U', 2, (byte)'a', (byte)'b')
            .Raw((byte)'T', 1, 0, 0, 0, (byte)'c')
            .Raw((byte)'N', 0x88)
            .Raw((byte)'e').Stop().ToArray();

        var list = (List<object?>)RestrictedUnpickler.Load(pickle)!;

        Assert.That(list, Is.EqualTo(new object?[] { -1L, 1.5, "ab", "c", null, true }));
    }
}
