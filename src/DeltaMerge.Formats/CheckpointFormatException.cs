using System.Globalization;

namespace DeltaMerge.Formats;

/// <summary>
/// Malformed or unsupported input data. Says what was wrong (<see cref="Kind"/>), where (<see cref="FilePath"/>,
/// <see cref="TensorName"/>, <see cref="ByteOffset"/>) and, in the message, what was expected against what was found.
/// </summary>
// InvalidDataException is sealed in .NET, so this derives from Exception; callers catch this type.
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the location.</summary>
    public CheckpointFormatException(FormatErrorKind kind, string message, string? filePath = null, string? tensorName = null,
        long? byteOffset = null, Exception? inner = null)
        : base(Compose(message, filePath, tensorName, byteOffset), inner)
    {
        Kind = kind;
        FilePath = filePath;
        TensorName = tensorName;
        ByteOffset = byteOffset;
    }

    /// <summary>The validation rule that failed.</summary>
    public FormatErrorKind Kind { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor concerned, when there is one.</summary>
    public string? TensorName { get; }

    /// <summary>Byte offset in the file where the problem was found, when known.</summary>
    public long? ByteOffset { get; }

    private static string Compose(string message, string? filePath, string? tensorName, long? byteOffset)
    {
        var where = new List<string>();
        if (filePath != null) where.Add(filePath);
        if (tensorName != null) where.Add($"tensor '{tensorName}'");
        if (byteOffset != null) where.Add("byte " + byteOffset.Value.ToString(CultureInfo.InvariantCulture));
        return where.Count == 0 ? message : $"{string.Join(", ", where)}: {message}";
    }
}
