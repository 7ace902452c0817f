using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>Hand-built files: <c>[u64 n][header][data]</c>.</summary>
internal static class SafetensorsBytes
{
    /// <summary>A file with <paramref name="json"/> as header (unpadded) and <paramref name="dataLength"/> data bytes 0, 1, 2, ...</summary>
    public static byte[] Build(string json, int dataLength) => Build(Encoding.UTF8.GetBytes(json), Pattern(dataLength));

    /// <summary>A file with the given header and data bytes; <paramref name="declaredLength"/> overrides the length prefix.</summary>
    public static byte[] Build(byte[] header, byte[] data, ulong? declaredLength = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static byte[] Pattern(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++) data[i] = unchecked((byte)i);
        return data;
    }

    /// <summary>Two F16 [2] tensors and metadata, valid.</summary>
    public const string TwoTensors =
        """{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}""";
}
