using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DeltaMerge.Formats.IO;

/// <summary>
/// Opens inputs only when they are regular files. A FIFO (or a character device) where a weight file, config.json or
/// a data file is expected would block the plain open until some writer appears, hanging the job; .NET's file
/// attributes cannot tell such a file from a regular one, so the path is first opened non-blocking and probed for
/// seeking, which only regular files (and block devices) allow. Every read of an input goes through here, the small
/// files read whole (<see cref="ReadAllBytes"/>, <see cref="ReadAllText"/>, <see cref="ReadLines"/>) as much as the
/// weight files read in place.
/// </summary>
public static partial class RegularFile
{
    private const int ReadOnly = 0;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static SafeFileHandle OpenRead(string path, FileOptions options)
    {
        Require(path);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, options);
    }

    /// <summary>Refuses <paramref name="path"/> unless it is a regular file, for checks (such as its length) made before it is read.</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static void Require(string path)
    {
        if (!OperatingSystem.IsWindows()) Probe(path);
    }

    /// <summary>Opens <paramref name="path"/> as a read-only stream (sequential reads).</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static FileStream OpenStream(string path) => new(OpenRead(path, FileOptions.SequentialScan), FileAccess.Read);

    /// <summary>The whole file, as <see cref="File.ReadAllBytes"/> reads it.</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        using FileStream stream = OpenStream(path);
        long length = stream.Length;
        if (length > Array.MaxLength) throw new IOException($"{path}: {length} bytes is too large to read whole.");
        using var buffer = new MemoryStream((int)length);
        stream.CopyTo(buffer);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>The whole file as text, as <see cref="File.ReadAllText(string)"/> reads it (UTF-8 unless a byte-order mark says otherwise).</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static string ReadAllText(string path)
    {
        using var reader = new StreamReader(OpenStream(path), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The file's lines, read as they are enumerated, as <see cref="File.ReadLines(string)"/> gives them.</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device (when enumeration starts).</exception>
    public static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StreamReader(OpenStream(path), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static void Probe(string path)
    {
        int nonBlocking = OperatingSystem.IsLinux() ? 0x800 : 0x4; // O_NONBLOCK: Linux (x64 and arm64), else the BSDs/macOS value
        int fd = Open(path, ReadOnly | nonBlocking);
        if (fd < 0) return; // missing, a directory, no permission: the real open reports it with .NET's own exception
        using var probe = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.GetLength(probe);
        }
        catch (NotSupportedException)
        {
            throw new NotRegularFileException(path);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
