namespace DeltaMerge.Runtime;

/// <summary>A model that cannot be loaded or run as asked; <see cref="Kind"/> says which rule failed.</summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the source and tensor when given.</summary>
    public ModelLoadException(ModelLoadErrorKind kind, string message, string? source = null, string? tensorName = null, Exception? inner = null)
        : base(Compose(message, source, tensorName), inner)
    {
        Kind = kind;
        ModelPath = source;
        TensorName = tensorName;
    }

    /// <summary>Which rule failed.</summary>
    public ModelLoadErrorKind Kind { get; }

    /// <summary>The file or directory concerned, when known.</summary>
    public string? ModelPath { get; }

    /// <summary>The tensor concerned (Hugging Face name), when there is one.</summary>
    public string? TensorName { get; }

    private static string Compose(string message, string? source, string? tensor) =>
        (source != null ? source + ": " : "") + (tensor != null ? $"tensor '{tensor}': " : "") + message;
}
