namespace DeltaMerge.Formats.Safetensors;

/// <summary>A tensor the <see cref="SafetensorsWriter"/> will write: its name, element type and shape.</summary>
/// <param name="Name">The tensor's name in the header.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
public sealed record SafetensorsTensorSpec(string Name, DType DType, long[] Shape)
{
    /// <summary>Bytes of the tensor's data (elements x element size).</summary>
    /// <exception cref="OverflowException">The size does not fit in a <see cref="long"/>.</exception>
    public long ByteLength => DTypeInfo.ByteSize(DType, Shape);
}
