namespace InvarLock.Sdk.IO;

/// <summary>Atomic file writes: write a temporary file beside the target, flush it, then rename over the target, so
/// readers see the old file or the new one, never half of one. The rename replaces a link rather than following it.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The target file (its folder is created when missing).</param>
    /// <param name="bytes">The whole content.</param>
    /// <param name="privateToUser">On Unix, create the file readable and writable by the owner only (0600).</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool privateToUser = false)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? throw new IOException($"{path}: has no parent folder");
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (privateToUser && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text atomically (see <see cref="WriteAllBytes"/>).</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The whole content.</param>
    /// <param name="privateToUser">On Unix, owner-only permissions (0600).</param>
    public static void WriteAllText(string path, string text, bool privateToUser = false) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), privateToUser);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
