using System.Collections.Frozen;

namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// Pickle opcodes (CPython <c>Lib/pickle.py</c>). The ones <see cref="RestrictedUnpickler"/> implements come first;
/// the rest are listed only so error messages can name them.
/// </summary>
internal static class PickleOpcode
{
    // ---- Implemented: what torch.save writes for a state dict (protocol 2, plus protocol 4 framing) ----
    public const byte Mark = (byte)'(';
    public const byte Stop = (byte)'.';
    public const byte BinFloat = (byte)'G';
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte None = (byte)'N';
    public const byte BinPersId = (byte)'Q';
    public const byte Reduce = (byte)'R';
    public const byte BinString = (byte)'T';
    public const byte ShortBinString = (byte)'U';
    public const byte BinUnicode = (byte)'X';
    public const byte Append = (byte)'a';
    public const byte Build = (byte)'b';
    public const byte Global = (byte)'c';
    public const byte Appends = (byte)'e';
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
    public const byte EmptyList = (byte)']';
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte SetItem = (byte)'s';
    public const byte Tuple = (byte)'t';
    public const byte SetItems = (byte)'u';
    public const byte EmptyTuple = (byte)')';
    public const byte EmptyDict = (byte)'}';
    public const byte Proto = 0x80;
    public const byte NewObj = 0x81;
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte Long1 = 0x8a;
    public const byte ShortBinUnicode = 0x8c;
    public const byte BinUnicode8 = 0x8d;
    public const byte Memoize = 0x94;
    public const byte StackGlobal = 0x93;
    public const byte Frame = 0x95;

    /// <summary>Highest pickle protocol accepted (4: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL).</summary>
    public const int MaxProtocol = 4;

    /// <summary>Every opcode of protocols 0-5 by name, for messages.</summary>
    private static readonly FrozenDictionary<byte, string> Names = new Dictionary<byte, string>
    {
        [Mark] = "MARK", [Stop] = "STOP", [(byte)'0'] = "POP", [(byte)'1'] = "POP_MARK", [(byte)'2'] = "DUP",
        [(byte)'F'] = "FLOAT", [(byte)'I'] = "INT", [BinInt] = "BININT", [BinInt1] = "BININT1", [(byte)'L'] = "LONG",
        [BinInt2] = "BININT2", [None] = "NONE", [(byte)'P'] = "PERSID", [BinPersId] = "BINPERSID", [Reduce] = "REDUCE",
        [(byte)'S'] = "STRING", [BinString] = "BINSTRING", [ShortBinString] = "SHORT_BINSTRING", [(byte)'V'] = "UNICODE",
        [BinUnicode] = "BINUNICODE", [Append] = "APPEND", [Build] = "BUILD", [Global] = "GLOBAL", [(byte)'d'] = "DICT",
        [EmptyDict] = "EMPTY_DICT", [Appends] = "APPENDS", [(byte)'g'] = "GET", [BinGet] = "BINGET", [(byte)'i'] = "INST",
        [LongBinGet] = "LONG_BINGET", [(byte)'l'] = "LIST", [EmptyList] = "EMPTY_LIST", [(byte)'o'] = "OBJ",
        [(byte)'p'] = "PUT", [BinPut] = "BINPUT", [LongBinPut] = "LONG_BINPUT", [SetItem] = "SETITEM", [Tuple] = "TUPLE",
        [EmptyTuple] = "EMPTY_TUPLE", [SetItems] = "SETITEMS", [BinFloat] = "BINFLOAT", [Proto] = "PROTO",
        [NewObj] = "NEWOBJ", [0x82] = "EXT1", [0x83] = "EXT2", [0x84] = "EXT4", [Tuple1] = "TUPLE1", [Tuple2] = "TUPLE2",
        [Tuple3] = "TUPLE3", [NewTrue] = "NEWTRUE", [NewFalse] = "NEWFALSE", [Long1] = "LONG1", [0x8b] = "LONG4",
        [ShortBinUnicode] = "SHORT_BINUNICODE", [BinUnicode8] = "BINUNICODE8", [0x8e] = "BINBYTES8",
        [0x8f] = "EMPTY_SET", [0x90] = "ADDITEMS", [0x91] = "FROZENSET", [0x92] = "NEWOBJ_EX",
        [StackGlobal] = "STACK_GLOBAL", [Memoize] = "MEMOIZE", [Frame] = "FRAME", [0x96] = "BYTEARRAY8",
        [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER", [(byte)'B'] = "BINBYTES", [(byte)'C'] = "SHORT_BINBYTES",
    }.ToFrozenDictionary();

    /// <summary>The opcode's name in <c>pickletools</c>, or <c>unknown</c>.</summary>
    public static string NameOf(byte opcode) => Names.GetValueOrDefault(opcode, "unknown");

    /// <summary>The opcode written as <c>0x52 'R' (REDUCE)</c>.</summary>
    public static string Describe(byte opcode)
    {
        string printable = opcode is >= 0x21 and < 0x7f ? $" '{(char)opcode}'" : "";
        return $"0x{opcode:x2}{printable} ({NameOf(opcode)})";
    }
}
