using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Cli.Tests;

/// <summary>Byte-level damage to a copied fixture, one kind per test.</summary>
internal static class CorruptFiles
{
    /// <summary>Rewrites the safetensors header JSON with <paramref name="edit"/>, keeping the data bytes after it.</summary>
    public static void ReplaceSafetensorsHeader(string path, Func<string, string> edit)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        string edited = edit(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd());
        byte[] header = Encoding.UTF8.GetBytes(edited);
        int padded = (header.Length + 7) / 8 * 8;
        using var f = new FileStream(path, FileMode.Create);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, padded);
        f.Write(prefix);
        f.Write(header);
        for (int i = header.Length; i < padded; i++) f.WriteByte((byte)' ');
        f.Write(bytes.AsSpan(8 + (int)n));
    }

    public static void Truncate(string path, long bytesToCut)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.SetLength(f.Length - bytesToCut);
    }

    public static void SetHeaderLength(string path, long n)
    {
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt64LittleEndian(bytes, n);
        File.WriteAllBytes(path, bytes);
    }
}
