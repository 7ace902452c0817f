using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>Emits pickle opcodes by hand, protocol 2 style as torch.save does.</summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public byte[] ToArray() => _bytes.ToArray();

    public PickleBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleBuilder Proto(byte protocol = 2) => Raw(0x80, protocol);
    public PickleBuilder Stop() => Raw((byte)'.');
    public PickleBuilder Mark() => Raw((byte)'(');
    public PickleBuilder Tuple() => Raw((byte)'t');
    public PickleBuilder EmptyTuple() => Raw((byte)')');
    public PickleBuilder EmptyDict() => Raw((byte)'}');
    public PickleBuilder EmptyList() => Raw((byte)']');
    public PickleBuilder Reduce() => Raw((byte)'R');
    public PickleBuilder SetItems() => Raw((byte)'u');
    public PickleBuilder BinPersId() => Raw((byte)'Q');
    public PickleBuilder False() => Raw(0x89);

    public PickleBuilder Global(string module, string name) =>
        Raw((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBuilder Unicode(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        return Raw((byte)'X').Raw(length).Raw(utf8);
    }

    public PickleBuilder Int(long v)
    {
        if (v is >= 0 and < 256) return Raw((byte)'K', (byte)v);
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v));
        return Raw((byte)'J').Raw(b);
    }

    public PickleBuilder IntTuple(long[] values)
    {
        Mark();
        foreach (long v in values) Int(v);
        return Tuple();
    }

    /// <summary>A torch.save-shaped state dict: OrderedDict of _rebuild_tensor_v2 calls on persistent storages.</summary>
    public static byte[] StateDict(params FakeTensor[] tensors)
    {
        var p = new PickleBuilder().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        foreach (FakeTensor t in tensors)
        {
            p.Unicode(t.Name).Global("torch._utils", "_rebuild_tensor_v2").Mark()
                .Mark().Unicode("storage").Global("torch", t.StorageClass).Unicode(t.Key).Unicode("cpu").Int(t.StorageNumel).Tuple()
                .BinPersId().Int(t.Offset).IntTuple(t.Size).IntTuple(t.Stride).False()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce();
        }
        return p.SetItems().Stop().ToArray();
    }
}

/// <summary>One tensor of <see cref="PickleBuilder.StateDict"/>.</summary>
internal sealed record FakeTensor(string Name, string StorageClass, string Key, long StorageNumel, long Offset, long[] Size, long[] Stride);
