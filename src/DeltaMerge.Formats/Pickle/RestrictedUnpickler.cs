using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static DeltaMerge.Formats.Pickle.PickleOpcode;

namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// A pickle VM for the subset <c>torch.save</c> writes. It never imports or runs anything: globals resolve only
/// through <see cref="PickleAllowList"/> to inert markers, REDUCE applies only the C# stand-ins in
/// <see cref="Apply"/>, and persistent ids become <see cref="StorageRef"/>s. Values are null (None), bool, long,
/// <see cref="BigInteger"/>, double, string, <c>object?[]</c> (tuple), <c>List&lt;object?&gt;</c>,
/// <see cref="PickleDict"/>, <see cref="PickleGlobal"/>, <see cref="StorageRef"/> and <see cref="TensorRef"/>.
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>Longest string or line accepted (names of tensors are far shorter).</summary>
    public const int MaxStringBytes = 1 << 20;
    /// <summary>Most items of one container, values on the stack, marks or memo entries.</summary>
    public const int MaxItems = 10_000_000;
    private const int MaxLong1Bytes = 64;

    private readonly byte[] _data;
    private readonly string? _filePath;
    private readonly long _baseOffset;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;
    private int _opStart;
    private byte _op;

    private RestrictedUnpickler(byte[] data, string? filePath, long baseOffset)
    {
        _data = data;
        _filePath = filePath;
        _baseOffset = baseOffset;
    }

    /// <summary>Runs the pickle in <paramref name="data"/> and returns the object STOP leaves.</summary>
    /// <param name="data">The whole pickle stream (<c>data.pkl</c>).</param>
    /// <param name="filePath">File the stream came from, for messages.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="data"/> in that file; errors report file offsets.</param>
    /// <exception cref="CheckpointFormatException">Unsupported opcode, forbidden global, malformed stream or unexpected structure.</exception>
    public static object? Load(byte[] data, string? filePath = null, long baseOffset = 0) =>
        new RestrictedUnpickler(data, filePath, baseOffset).Run();

    private object? Run()
    {
        while (true)
        {
            _opStart = _pos;
            _op = ReadByte();
            switch (_op)
            {
                case Proto:
                    byte protocol = ReadByte();
                    if (protocol > MaxProtocol)
                        throw Error(FormatErrorKind.PickleUnsupportedOpcode, $"pickle protocol {protocol} is not supported; expected at most {MaxProtocol}");
                    break;
                case Frame:
                    // Framing only groups opcodes for buffered readers; the whole stream is in memory already.
                    ulong frameLength = BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));
                    if (frameLength > (ulong)(_data.Length - _pos))
                        throw Error(FormatErrorKind.PickleMalformed, $"frame of {frameLength} bytes runs past the end of the stream ({_data.Length - _pos} bytes left)");
                    break;
                case Stop:
                    return Pop();

                case Mark:
                    if (_marks.Count >= MaxItems) throw TooMany("marks");
                    _marks.Push(_stack.Count);
                    break;
                case None: Push(null); break;
                case NewTrue: Push(true); break;
                case NewFalse: Push(false); break;
                case BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)))); break;
                case BinInt1: Push((long)ReadByte()); break;
                case BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort)))); break;
                case Long1: Push(ReadLong1()); break;
                case BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(sizeof(double)))); break;

                case BinUnicode: Push(ReadUtf8(BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint))))); break;
                case ShortBinUnicode: Push(ReadUtf8(ReadByte())); break;
                case BinUnicode8: Push(ReadUtf8(BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong))))); break;
                case BinString:
                    int length = BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));
                    if (length < 0) throw Error(FormatErrorKind.PickleMalformed, $"BINSTRING length {length} is negative");
                    Push(ReadLatin1((ulong)length));
                    break;
                case ShortBinString: Push(ReadLatin1(ReadByte())); break;

                case EmptyTuple: Push(Array.Empty<object?>()); break;
                case EmptyList: Push(new List<object?>()); break;
                case EmptyDict: Push(new PickleDict()); break;
                case PickleOpcode.Tuple: Push(PopToMark().ToArray()); break;
                case Tuple1: Push(PopN(1)); break;
                case Tuple2: Push(PopN(2)); break;
                case Tuple3: Push(PopN(3)); break;
                case Append: AppendTo([Pop()]); break;
                case Appends: AppendTo(PopToMark()); break;
                case SetItem:
                    object? value = Pop();
                    object? key = Pop();
                    SetItemsOn([key, value]);
                    break;
                case SetItems: SetItemsOn(PopToMark()); break;

                case BinPut: MemoPut(ReadByte()); break;
                case LongBinPut: MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)))); break;
                case Memoize: MemoPut(_memo.Count); break;
                case BinGet: MemoGet(ReadByte()); break;
                case LongBinGet: MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)))); break;

                case Global:
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(Resolve(module, name));
                    break;
                case StackGlobal:
                    string globalName = PopString("STACK_GLOBAL name");
                    string globalModule = PopString("STACK_GLOBAL module");
                    Push(Resolve(globalModule, globalName));
                    break;
                case Reduce:
                    object? args = Pop();
                    Push(Apply(Pop(), args));
                    break;
                case NewObj:
                    object? newArgs = Pop();
                    object? cls = Pop();
                    // cls.__new__(cls, *args): only OrderedDict is a class we allow, and it takes no arguments.
                    if (cls is not PickleGlobal { Kind: PickleGlobalKind.OrderedDict })
                        throw Error(FormatErrorKind.PickleUnexpectedStructure, $"NEWOBJ on {TypeName(cls)}; only collections.OrderedDict may be constructed");
                    Push(Apply(cls, newArgs));
                    break;
                case Build:
                    object? state = Pop();
                    object? target = Peek();
                    // state_dict() sets OrderedDict._metadata this way; attributes carry no tensor data, so they are dropped.
                    if (target is not (PickleDict or TensorRef))
                        throw Error(FormatErrorKind.PickleUnexpectedStructure, $"BUILD on {TypeName(target)} with state {TypeName(state)}; expected a dict or tensor");
                    break;
                case BinPersId:
                    Push(PersistentLoad(Pop()));
                    break;

                default:
                    throw Error(FormatErrorKind.PickleUnsupportedOpcode,
                        "unsupported pickle opcode: outside the subset torch.save writes for a state dict; nothing was run");
            }
        }
    }

    private PickleGlobal Resolve(string module, string name) =>
        PickleAllowList.TryResolve(module, name, out PickleGlobal global)
            ? global
            : throw Error(FormatErrorKind.PickleForbiddenGlobal,
                $"global '{module}.{name}' (module '{module}', name '{name}') is not on the allow-list of torch.save state dicts; it was not imported or run");

    // The stand-ins for the allowed callables: pure functions from inert arguments to inert records.
    private object? Apply(object? callable, object? args)
    {
        if (callable is not PickleGlobal global)
            throw Error(FormatErrorKind.PickleUnexpectedStructure, $"REDUCE on {TypeName(callable)}; expected an allowed global");
        if (args is not object?[] a)
            throw Error(FormatErrorKind.PickleUnexpectedStructure, $"arguments of {global.FullName} are {TypeName(args)}; expected a tuple");

        switch (global.Kind)
        {
            case PickleGlobalKind.OrderedDict when a.Length == 0:
                return new PickleDict();
            case PickleGlobalKind.RebuildTensorV2 when a.Length is 6 or 7:
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (a[0] is not StorageRef storage)
                    throw Error(FormatErrorKind.PickleUnexpectedStructure, $"_rebuild_tensor_v2 storage is {TypeName(a[0])}; expected a persistent storage id");
                long offset = AsLong(a[1], "storage_offset");
                long[] shape = AsLongs(a[2], "size");
                long[] stride = AsLongs(a[3], "stride");
                if (shape.Length != stride.Length)
                    throw Error(FormatErrorKind.PickleUnexpectedStructure, $"_rebuild_tensor_v2 size has {shape.Length} dimensions but stride has {stride.Length}");
                return new TensorRef(storage, offset, shape, stride);
            case PickleGlobalKind.RebuildParameter when a.Length is 3 or 4:
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor for our purposes.
                return a[0] is TensorRef tensor ? tensor
                    : throw Error(FormatErrorKind.PickleUnexpectedStructure, $"_rebuild_parameter data is {TypeName(a[0])}; expected a tensor");
            default:
                throw Error(FormatErrorKind.PickleUnexpectedStructure,
                    $"{global.FullName} called with {a.Length} arguments; torch.save state dicts never call it so");
        }
    }

    // torch.save's persistent id: ('storage', storage_type, key, location, numel).
    private StorageRef PersistentLoad(object? pid)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is PickleGlobal { Kind: PickleGlobalKind.StorageClass, DType: DType dtype }
            && t[2] is string key && t[3] is string location && t[4] is long numel && numel >= 0)
        {
            return new StorageRef(key, dtype, numel, location);
        }
        throw Error(FormatErrorKind.PickleUnexpectedStructure,
            $"persistent id is {DescribeValue(pid)}; expected ('storage', torch.<Type>Storage, key, location, numel)");
    }

    private void AppendTo(List<object?> items)
    {
        if (Peek() is not List<object?> list)
            throw Error(FormatErrorKind.PickleUnexpectedStructure, $"APPEND to {TypeName(Peek())}; expected a list");
        if (list.Count + (long)items.Count > MaxItems) throw TooMany("list items");
        list.AddRange(items);
    }

    private void SetItemsOn(List<object?> keysAndValues)
    {
        if (keysAndValues.Count % 2 != 0)
            throw Error(FormatErrorKind.PickleMalformed, $"SETITEMS has {keysAndValues.Count} values after its mark; expected key/value pairs");
        if (Peek() is not PickleDict dict)
            throw Error(FormatErrorKind.PickleUnexpectedStructure, $"SETITEM on {TypeName(Peek())}; expected a dict");
        if (dict.Count + (long)keysAndValues.Count / 2 > MaxItems) throw TooMany("dict items");
        for (int i = 0; i < keysAndValues.Count; i += 2) dict.Set(keysAndValues[i], keysAndValues[i + 1]);
    }

    private void MemoPut(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= MaxItems) throw TooMany("memo entries");
        _memo[index] = Peek();
    }

    private void MemoGet(long index)
    {
        if (!_memo.TryGetValue(index, out object? value))
            throw Error(FormatErrorKind.PickleMalformed, $"memo index {index} was never stored ({_memo.Count} entries)");
        Push(value);
    }

    private void Push(object? value)
    {
        if (_stack.Count >= MaxItems) throw TooMany("stack values");
        _stack.Add(value);
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        int floor = _marks.Count == 0 ? 0 : _marks.Peek();
        if (_stack.Count <= floor)
            throw Error(FormatErrorKind.PickleMalformed, $"stack underflow: {PickleOpcode.Describe(_op)} needs a value but {(floor > 0 ? "only the mark is" : "nothing is")} on the stack");
        return _stack[^1];
    }

    private object?[] PopN(int n)
    {
        var items = new object?[n];
        for (int i = n - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0) throw Error(FormatErrorKind.PickleMalformed, $"{PickleOpcode.Describe(_op)} without a preceding MARK");
        int mark = _marks.Pop();
        List<object?> items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private string PopString(string what) =>
        Pop() is string s ? s : throw Error(FormatErrorKind.PickleMalformed, $"{what} is not a string");

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(ulong count)
    {
        if (count > (ulong)(_data.Length - _pos))
            throw Error(FormatErrorKind.PickleMalformed, $"truncated pickle: {PickleOpcode.Describe(_op)} needs {count} more bytes at offset {_pos} but the stream ends at {_data.Length}");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private object ReadLong1()
    {
        int n = ReadByte();
        if (n > MaxLong1Bytes) throw Error(FormatErrorKind.PickleMalformed, $"LONG1 of {n} bytes exceeds the {MaxLong1Bytes}-byte cap");
        var value = new BigInteger(Take((ulong)n), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private string ReadUtf8(ulong length)
    {
        ReadOnlySpan<byte> bytes = TakeString(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(FormatErrorKind.PickleMalformed, $"string is not valid UTF-8: {e.Message}");
        }
    }

    // py2-style byte strings: torch names are ASCII, so Latin-1 keeps every byte.
    private string ReadLatin1(ulong length) => Encoding.Latin1.GetString(TakeString(length));

    private ReadOnlySpan<byte> TakeString(ulong length) =>
        length > MaxStringBytes
            ? throw Error(FormatErrorKind.PickleMalformed, $"string of {length} bytes exceeds the {MaxStringBytes}-byte cap")
            : Take(length);

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos, Math.Min(_data.Length - _pos, MaxStringBytes));
        if (end < 0) throw Error(FormatErrorKind.PickleMalformed, $"{PickleOpcode.Describe(_op)} argument has no terminating newline");
        string line = Encoding.Latin1.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private long AsLong(object? value, string what) =>
        value is long l ? l : throw Error(FormatErrorKind.PickleUnexpectedStructure, $"_rebuild_tensor_v2 {what} is {TypeName(value)}; expected an int");

    private long[] AsLongs(object? value, string what)
    {
        if (value is not object?[] items)
            throw Error(FormatErrorKind.PickleUnexpectedStructure, $"_rebuild_tensor_v2 {what} is {TypeName(value)}; expected a tuple of ints");
        var result = new long[items.Length];
        for (int i = 0; i < items.Length; i++) result[i] = AsLong(items[i], $"{what}[{i}]");
        return result;
    }

    /// <summary>A Python-ish type name of an unpickled value, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        PickleGlobal g => g.FullName,
        StorageRef => "storage",
        TensorRef => "tensor",
        _ => value.GetType().Name,
    };

    private static string DescribeValue(object? value) => value switch
    {
        object?[] t => "(" + string.Join(", ", t.Select(DescribeValue)) + ")",
        string s => $"'{(s.Length > 64 ? s[..64] + "..." : s)}'",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => TypeName(value),
    };

    private CheckpointFormatException TooMany(string what) =>
        Error(FormatErrorKind.PickleMalformed, $"more than {MaxItems} {what}; refusing to grow further");

    private CheckpointFormatException Error(FormatErrorKind kind, string message) =>
        new(kind, $"{message} (opcode {PickleOpcode.Describe(_op)} at data.pkl offset {_opStart})", _filePath, byteOffset: _baseOffset + _opStart);
}
