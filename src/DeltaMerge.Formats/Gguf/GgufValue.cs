using System.Collections;
using System.Globalization;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// One typed metadata value: a scalar (boxed as its CLR type: <see cref="uint"/> for <see cref="GgufValueType.UInt32"/>,
/// <see cref="string"/> for strings, ...) or an array of one element type (a CLR array: <c>string[]</c>, <c>float[]</c>, ...).
/// Equality is structural, arrays compared element by element (floats by bits).
/// </summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ElementType = elementType;
        Value = value;
    }

    /// <summary>The value type; <see cref="GgufValueType.Array"/> for arrays.</summary>
    public GgufValueType Type { get; }

    /// <summary>The element type of an array; null for scalars.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>The scalar, or the CLR array of elements.</summary>
    public object Value { get; }

    /// <summary>Number of elements of an array; 1 for a scalar.</summary>
    public long Count => Value is Array a ? a.LongLength : 1;

    /// <summary>A uint8 value.</summary>
    public static GgufValue UInt8(byte v) => new(GgufValueType.UInt8, null, v);
    /// <summary>An int8 value.</summary>
    public static GgufValue Int8(sbyte v) => new(GgufValueType.Int8, null, v);
    /// <summary>A uint16 value.</summary>
    public static GgufValue UInt16(ushort v) => new(GgufValueType.UInt16, null, v);
    /// <summary>An int16 value.</summary>
    public static GgufValue Int16(short v) => new(GgufValueType.Int16, null, v);
    /// <summary>A uint32 value.</summary>
    public static GgufValue UInt32(uint v) => new(GgufValueType.UInt32, null, v);
    /// <summary>An int32 value.</summary>
    public static GgufValue Int32(int v) => new(GgufValueType.Int32, null, v);
    /// <summary>A float32 value.</summary>
    public static GgufValue Float32(float v) => new(GgufValueType.Float32, null, v);
    /// <summary>A bool value.</summary>
    public static GgufValue Bool(bool v) => new(GgufValueType.Bool, null, v);
    /// <summary>A string value (may be empty; unlike gguf-py, empty strings are written, not dropped).</summary>
    public static GgufValue String(string v) => new(GgufValueType.String, null, v ?? throw new ArgumentNullException(nameof(v)));
    /// <summary>A uint64 value.</summary>
    public static GgufValue UInt64(ulong v) => new(GgufValueType.UInt64, null, v);
    /// <summary>An int64 value.</summary>
    public static GgufValue Int64(long v) => new(GgufValueType.Int64, null, v);
    /// <summary>A float64 value.</summary>
    public static GgufValue Float64(double v) => new(GgufValueType.Float64, null, v);

    /// <summary>An array of strings (copied).</summary>
    public static GgufValue StringArray(IEnumerable<string> values) => Array(GgufValueType.String, values.ToArray());
    /// <summary>An array of float32 (copied).</summary>
    public static GgufValue Float32Array(ReadOnlySpan<float> values) => Array(GgufValueType.Float32, values.ToArray());
    /// <summary>An array of int32 (copied).</summary>
    public static GgufValue Int32Array(ReadOnlySpan<int> values) => Array(GgufValueType.Int32, values.ToArray());

    /// <summary>
    /// An array of <paramref name="elementType"/>; <paramref name="values"/> must be the matching CLR array
    /// (<c>uint[]</c> for <see cref="GgufValueType.UInt32"/>, <c>string[]</c> for strings, ...) and is kept, not copied.
    /// </summary>
    /// <exception cref="ArgumentException">Nested arrays, or a CLR array of the wrong type or with null strings.</exception>
    public static GgufValue Array(GgufValueType elementType, Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (elementType == GgufValueType.Array) throw new ArgumentException("Arrays of arrays are not supported.", nameof(elementType));
        Type expected = ClrType(elementType).MakeArrayType();
        if (values.GetType() != expected)
            throw new ArgumentException($"An array of {elementType} needs a {expected.Name}, got {values.GetType().Name}.", nameof(values));
        if (values is string[] strings && strings.Any(s => s is null))
            throw new ArgumentException("String arrays cannot hold null.", nameof(values));
        return new GgufValue(GgufValueType.Array, elementType, values);
    }

    /// <summary>The CLR type holding one value of <paramref name="type"/> (<see cref="System.Array"/> for arrays).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown type.</exception>
    public static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.Array => typeof(Array),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), (int)type, "Unknown GGUF value type."),
    };

    /// <summary>The type written as llama.cpp names it in messages: <c>u32</c>, <c>arr[str]</c>, ...</summary>
    public string TypeName => ElementType is { } e ? $"arr[{ScalarName(e)}]" : ScalarName(Type);

    /// <summary>Short name of a type (<c>u8</c>, <c>f32</c>, <c>str</c>, ...).</summary>
    public static string ScalarName(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => "u8",
        GgufValueType.Int8 => "i8",
        GgufValueType.UInt16 => "u16",
        GgufValueType.Int16 => "i16",
        GgufValueType.UInt32 => "u32",
        GgufValueType.Int32 => "i32",
        GgufValueType.Float32 => "f32",
        GgufValueType.Bool => "bool",
        GgufValueType.String => "str",
        GgufValueType.Array => "arr",
        GgufValueType.UInt64 => "u64",
        GgufValueType.Int64 => "i64",
        GgufValueType.Float64 => "f64",
        _ => "type " + ((int)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public bool Equals(GgufValue? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Type != other.Type || ElementType != other.ElementType) return false;
        if (Value is Array a && other.Value is Array b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (!ScalarEquals(a.GetValue(i)!, b.GetValue(i)!)) return false;
            return true;
        }
        return ScalarEquals(Value, other.Value);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    /// <inheritdoc />
    public override int GetHashCode() =>
        Value is Array a ? HashCode.Combine(Type, ElementType, a.Length) : HashCode.Combine(Type, ScalarHash(Value));

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        string s => $"{TypeName} \"{s}\"",
        Array a => $"{TypeName} ({a.Length} elements)",
        IFormattable f => $"{TypeName} {f.ToString(null, CultureInfo.InvariantCulture)}",
        _ => $"{TypeName} {Value}",
    };

    // Floats compare by bits so NaN payloads and -0 round-trip exactly.
    private static bool ScalarEquals(object x, object y) => (x, y) switch
    {
        (float f, float g) => BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits(g),
        (double f, double g) => BitConverter.DoubleToInt64Bits(f) == BitConverter.DoubleToInt64Bits(g),
        _ => Equals(x, y),
    };

    private static int ScalarHash(object x) => x switch
    {
        float f => BitConverter.SingleToInt32Bits(f),
        double d => BitConverter.DoubleToInt64Bits(d).GetHashCode(),
        IStructuralEquatable s => s.GetHashCode(EqualityComparer<object>.Default),
        _ => x.GetHashCode(),
    };
}
