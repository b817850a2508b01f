using System.Runtime.InteropServices;

namespace InvarLock.Models.Weights;

/// <summary>Tells the operating system that a range of a read-only file mapping is no longer needed, so its pages leave
/// the process's resident set (they are read again from the file if touched later).</summary>
/// <remarks>Linux only (<c>madvise(MADV_DONTNEED)</c>); elsewhere a no-op. Only whole pages inside the range are
/// released.</remarks>
internal static unsafe partial class MappedPages
{
    private const int DontNeed = 4;

    internal static void Release(void* start, long bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes <= 0)
        {
            return;
        }
        long page = Environment.SystemPageSize;
        long first = ((long)start + page - 1) / page * page;
        long last = ((long)start + bytes) / page * page;
        if (last > first)
        {
            _ = Advise((void*)first, (nuint)(last - first), DontNeed); // advice only: a failure changes nothing
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(void* address, nuint length, int advice);
}
