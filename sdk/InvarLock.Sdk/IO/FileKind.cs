using System.Runtime.InteropServices;

namespace InvarLock.Sdk.IO;

/// <summary>What a path names once symbolic links are followed: the kernel's file type (Linux <c>statx</c>), so
/// that a FIFO or a device is recognised without opening it (opening a FIFO for reading blocks until a writer
/// comes).</summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;

    /// <summary>Describes a path that exists but is not a regular file or folder ("a FIFO (named pipe)",
    /// "a character device", ...), or returns null for a regular file, a folder, a missing path, or where the file
    /// type cannot be asked for (systems other than Linux: there only folders are told apart).</summary>
    public static string? DescribeSpecial(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        int mode;
        try
        {
            mode = ReadMode(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        return (mode & 0xF000) switch
        {
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => null,
        };
    }

    private static unsafe int ReadMode(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return 0;
        }
        return *(ushort*)(buffer + ModeOffset);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
