using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>
/// Writes small zip archives by hand: stored entries (or a claimed method), local extra fields padded so data is
/// 64-byte aligned as torch's writer does, and optionally zip64 headers and end records.
/// </summary>
internal static class ZipBuilder
{
    private const ushort PaddingExtraId = 0x4246; // "FB", the padding block torch writes

    public sealed record Entry(string Name, byte[] Data, ushort Method = 0);

    public sealed record Result(byte[] Bytes, Dictionary<string, long> DataOffsets);

    public static Result Build(IEnumerable<Entry> entries, bool zip64 = false)
    {
        var file = new List<byte>();
        var central = new List<byte>();
        var offsets = new Dictionary<string, long>();
        int count = 0;
        foreach (Entry e in entries)
        {
            count++;
            byte[] name = Encoding.UTF8.GetBytes(e.Name);
            long localOffset = file.Count;

            var localExtra = new List<byte>();
            if (zip64)
            {
                U16(localExtra, 0x0001); U16(localExtra, 16);
                U64(localExtra, (ulong)e.Data.Length); U64(localExtra, (ulong)e.Data.Length);
            }
            int unpadded = 30 + name.Length + localExtra.Count + 4;
            int pad = (64 - unpadded % 64) % 64;
            U16(localExtra, PaddingExtraId); U16(localExtra, (ushort)pad);
            localExtra.AddRange(new byte[pad]);

            U32(file, 0x04034b50); U16(file, zip64 ? (ushort)45 : (ushort)20); U16(file, 0); U16(file, e.Method);
            U16(file, 0); U16(file, 0); U32(file, 0);
            U32(file, zip64 ? 0xFFFFFFFF : (uint)e.Data.Length); U32(file, zip64 ? 0xFFFFFFFF : (uint)e.Data.Length);
            U16(file, (ushort)name.Length); U16(file, (ushort)localExtra.Count);
            file.AddRange(name); file.AddRange(localExtra);
            offsets[e.Name] = file.Count;
            file.AddRange(e.Data);

            var centralExtra = new List<byte>();
            if (zip64)
            {
                U16(centralExtra, 0x0001); U16(centralExtra, 24);
                U64(centralExtra, (ulong)e.Data.Length); U64(centralExtra, (ulong)e.Data.Length); U64(centralExtra, (ulong)localOffset);
            }
            U32(central, 0x02014b50); U16(central, 45); U16(central, zip64 ? (ushort)45 : (ushort)20); U16(central, 0);
            U16(central, e.Method); U16(central, 0); U16(central, 0); U32(central, 0);
            U32(central, zip64 ? 0xFFFFFFFF : (uint)e.Data.Length); U32(central, zip64 ? 0xFFFFFFFF : (uint)e.Data.Length);
            U16(central, (ushort)name.Length); U16(central, (ushort)centralExtra.Count); U16(central, 0); U16(central, 0);
            U16(central, 0); U32(central, 0); U32(central, zip64 ? 0xFFFFFFFF : (uint)localOffset);
            central.AddRange(name); central.AddRange(centralExtra);
        }

        long cdOffset = file.Count;
        file.AddRange(central);
        if (zip64)
        {
            long eocd64 = file.Count;
            U32(file, 0x06064b50); U64(file, 44); U16(file, 45); U16(file, 45); U32(file, 0); U32(file, 0);
            U64(file, (ulong)count); U64(file, (ulong)count); U64(file, (ulong)central.Count); U64(file, (ulong)cdOffset);
            U32(file, 0x07064b50); U32(file, 0); U64(file, (ulong)eocd64); U32(file, 1);
        }
        U32(file, 0x06054b50); U16(file, 0); U16(file, 0);
        U16(file, zip64 ? (ushort)0xFFFF : (ushort)count); U16(file, zip64 ? (ushort)0xFFFF : (ushort)count);
        U32(file, zip64 ? 0xFFFFFFFF : (uint)central.Count); U32(file, zip64 ? 0xFFFFFFFF : (uint)cdOffset);
        U16(file, 0);
        return new Result(file.ToArray(), offsets);
    }

    private static void U16(List<byte> b, ushort v)
    {
        Span<byte> s = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(s, v);
        b.AddRange(s);
    }

    private static void U32(List<byte> b, uint v)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        b.AddRange(s);
    }

    private static void U64(List<byte> b, ulong v)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(s, v);
        b.AddRange(s);
    }
}
