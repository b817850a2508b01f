using System.Runtime.InteropServices;

namespace InvarLock.Metrics;

/// <summary>Hidden-state rows of many windows kept in a delete-on-close temporary file, so recording a whole baseline
/// pass costs disk, not memory (rows × hidden × 4 bytes per window; the file vanishes when disposed or the process
/// ends).</summary>
internal sealed class HiddenStateSpool : IDisposable
{
    private readonly FileStream _file;
    private readonly Dictionary<int, (long Offset, int Rows)> _windows = [];
    private long _length;

    public HiddenStateSpool()
    {
        string path = Path.Combine(Path.GetTempPath(), $"invarlock-hidden-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.RandomAccess);
    }

    public int Width { get; private set; }

    /// <summary>Appends the rows of window <paramref name="window"/> (replacing none: each window is written once).</summary>
    public void Write(int window, ReadOnlySpan<float> rows, int count, int width)
    {
        if (Width == 0)
        {
            Width = width;
        }
        else if (width != Width)
        {
            throw new InvalidOperationException($"hidden width changed from {Width} to {width}");
        }
        if (!_windows.TryAdd(window, (_length, count)))
        {
            throw new InvalidOperationException($"window {window} was recorded twice");
        }
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(rows[..(count * width)]);
        RandomAccess.Write(_file.SafeFileHandle, bytes, _length);
        _length += bytes.Length;
    }

    /// <summary>The number of rows recorded for <paramref name="window"/>, or −1 when it was not recorded.</summary>
    public int Rows(int window) => _windows.TryGetValue(window, out var entry) ? entry.Rows : -1;

    /// <summary>Reads window <paramref name="window"/>'s rows into <paramref name="destination"/>.</summary>
    public void Read(int window, Span<float> destination)
    {
        (long offset, int rows) = _windows[window];
        Span<byte> bytes = MemoryMarshal.AsBytes(destination[..(rows * Width)]);
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(_file.SafeFileHandle, bytes[read..], offset + read);
            if (n == 0)
            {
                throw new IOException("the hidden-state spool file ended early");
            }
            read += n;
        }
    }

    public void Dispose() => _file.Dispose();
}
