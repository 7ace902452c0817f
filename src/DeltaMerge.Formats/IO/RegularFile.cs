using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DeltaMerge.Formats.IO;

/// <summary>
/// Opens inputs only when they are regular files. A FIFO (or a character device) where a weight file is expected
/// would block the plain open until some writer appears, hanging the job; .NET's file attributes cannot tell such a
/// file from a regular one, so the path is first opened non-blocking and probed for seeking, which only regular files
/// (and block devices) allow.
/// </summary>
internal static partial class RegularFile
{
    private const int ReadOnly = 0;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="NotRegularFileException">The path is a FIFO, socket or character device.</exception>
    public static SafeFileHandle OpenRead(string path, FileOptions options)
    {
        if (!OperatingSystem.IsWindows()) Probe(path);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, options);
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
