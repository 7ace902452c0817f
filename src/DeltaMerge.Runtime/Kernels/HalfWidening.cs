namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// IEEE half → float32 with integer operations, exact for every pattern and bit-identical to <c>(float)Half</c>.
/// Sign-extend the 16 bits to 32 and shift left 13: the sign lands in bits 31..28, the 5-bit exponent and 10-bit
/// mantissa in bits 27..13; masking with <see cref="SignExponentMantissa"/> leaves a float32 whose value times 2^112 is
/// the half's value, normal or subnormal (the multiply is exact: a power of two on a value it cannot overflow or
/// round). Exponent 0x1F (inf/NaN) first gets <see cref="SpecialExponentFix"/> added so its float exponent is 0xFF;
/// the multiply then keeps inf and quiets a NaN keeping its payload, as the conversion operator does.
/// </summary>
internal static class HalfWidening
{
    public const int SignExponentMantissa = unchecked((int)0x8FFF_E000);

    /// <summary>The half's exponent bits after the shift.</summary>
    public const int ExponentBits = 0x0F80_0000;

    /// <summary>Added to an inf/NaN's shifted bits: exponent 0x0F800000 + 0x70000000 = 0x7F800000.</summary>
    public const int SpecialExponentFix = 0x7000_0000;

    /// <summary>2^112: the difference of the float32 and half exponent biases (127 - 15).</summary>
    public const float Rebias = 5.192296858534828e33f;

    /// <summary>One half's bits as a float32.</summary>
    public static float Widen(ushort half)
    {
        int bits = ((short)half << 13) & SignExponentMantissa;
        if ((bits & ExponentBits) == ExponentBits) bits += SpecialExponentFix;
        return BitConverter.Int32BitsToSingle(bits) * Rebias;
    }
}
