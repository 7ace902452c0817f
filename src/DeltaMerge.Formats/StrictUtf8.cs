using System.Text;

namespace DeltaMerge.Formats;

/// <summary>
/// UTF-8 that refuses malformed bytes (<see cref="DecoderFallbackException"/>) instead of replacing them, and writes no
/// byte-order mark: every parser of untrusted text decodes through it, so a mis-encoded name or file is an error.
/// </summary>
public static class StrictUtf8
{
    /// <summary>The encoding itself, for APIs that take one.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/>.</summary>
    /// <exception cref="DecoderFallbackException">The bytes are not valid UTF-8.</exception>
    public static string GetString(ReadOnlySpan<byte> bytes) => Encoding.GetString(bytes);

    /// <summary>Encodes <paramref name="text"/>.</summary>
    /// <exception cref="EncoderFallbackException">The text holds a lone surrogate.</exception>
    public static byte[] GetBytes(string text) => Encoding.GetBytes(text);
}
