namespace DeltaMerge.Tokenization;

/// <summary>SentencePiece's <c>DecodeUTF8</c>/<c>IsValidDecodeUTF8</c> rules over a run of byte-fallback bytes.</summary>
internal static class SentencePieceUtf8
{
    /// <summary>Outcome of looking at the bytes from one offset.</summary>
    public enum Step
    {
        /// <summary>A valid character of <c>length</c> bytes.</summary>
        Valid,
        /// <summary>The byte at the offset is invalid: one U+FFFD, advance one byte.</summary>
        Invalid,
        /// <summary>Undecided until more bytes arrive (only when the run may still grow).</summary>
        NeedMore,
    }

    /// <summary>
    /// Classifies <paramref name="bytes"/>[0..]. With <paramref name="final"/> false a truncated but so far well-formed
    /// sequence answers <see cref="Step.NeedMore"/>; SentencePiece, which sees the whole run, would decide the same way
    /// once the run is complete, so holding such bytes never changes the result.
    /// </summary>
    public static Step Classify(ReadOnlySpan<byte> bytes, bool final, out int length, out int codePoint)
    {
        length = 1;
        codePoint = 0;
        byte b0 = bytes[0];
        if (b0 < 0x80)
        {
            codePoint = b0;
            return Step.Valid;
        }
        int need, min;
        if ((b0 & 0xE0) == 0xC0) { need = 2; min = 0x80; codePoint = b0 & 0x1F; }
        else if ((b0 & 0xF0) == 0xE0) { need = 3; min = 0x800; codePoint = b0 & 0x0F; }
        else if ((b0 & 0xF8) == 0xF0) { need = 4; min = 0x10000; codePoint = b0 & 0x07; }
        else return Step.Invalid;

        int available = Math.Min(bytes.Length, need);
        for (int i = 1; i < available; i++)
        {
            if (!IsTrailByte(bytes[i])) return Step.Invalid; // can never become valid
            codePoint = (codePoint << 6) | (bytes[i] & 0x3F);
        }
        if (available < need) return final ? Step.Invalid : Step.NeedMore;
        if (codePoint < min || !IsValidCodePoint(codePoint)) return Step.Invalid;
        length = need;
        return Step.Valid;
    }

    private static bool IsTrailByte(byte b) => (b & 0xC0) == 0x80;

    private static bool IsValidCodePoint(int c) => c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF);
}
