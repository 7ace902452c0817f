namespace DeltaMerge.Formats.Gguf;

/// <summary>One metadata entry, in file order.</summary>
/// <param name="Key">The key, e.g. <c>general.architecture</c>.</param>
/// <param name="Value">The typed value.</param>
public sealed record GgufKeyValue(string Key, GgufValue Value);
