using System.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Sdk.IO;

/// <summary>Opens input files the way every InvarLock reader must: the path has to name an existing regular file
/// (symbolic links are followed, so Hugging Face cache folders work), a folder, FIFO, device or socket is refused
/// before it is opened (so nothing blocks), and whole-file reads are bounded by a size limit checked before and
/// while reading. Every refusal is an <see cref="InvarLockException"/> with one line that starts with the path.</summary>
/// <remarks>A missing file raises <see cref="ErrorCodes.MissingFile"/>; everything else raises the
/// <see cref="ErrorCode"/> the caller names for its input class (for example
/// <see cref="ErrorCodes.MalformedConfig"/> for a config file). FIFOs and devices are recognised on Linux; on other
/// systems only folders are told apart from files.</remarks>
public static class InputFile
{
    /// <summary>Fails unless <paramref name="path"/> names an existing regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="code">The error code for a path that exists but is not a regular file.</param>
    /// <param name="what">What the file is, for messages (for example <c>"config file"</c>).</param>
    /// <exception cref="InvarLockException">The path is missing, a folder, or a special file.</exception>
    public static void RequireRegular(string path, ErrorCode code, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(what);
        if (Directory.Exists(path))
        {
            throw new InvarLockException(code, $"{path}: is a folder, expected the {what} as a regular file");
        }
        if (!File.Exists(path))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{path}: {what} not found");
        }
        if (FileKind.DescribeSpecial(path) is { } kind)
        {
            throw new InvarLockException(code, $"{path}: is {kind}, expected the {what} as a regular file");
        }
    }

    /// <summary>Opens a regular file for reading after <see cref="RequireRegular"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="code">The error code for a path that is not a readable regular file.</param>
    /// <param name="what">What the file is, for messages.</param>
    /// <param name="options">File options (for example <see cref="FileOptions.RandomAccess"/>).</param>
    /// <exception cref="InvarLockException">The path is missing, not a regular file, or cannot be opened.</exception>
    public static FileStream OpenRead(string path, ErrorCode code, string what, FileOptions options = FileOptions.None)
    {
        RequireRegular(path, code, what);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(code, $"{path}: the {what} cannot be opened ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>Reads a whole regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest size accepted; a larger file is refused without being read.</param>
    /// <param name="code">The error code for a file that is not a regular file, too large, or unreadable.</param>
    /// <param name="what">What the file is, for messages.</param>
    /// <exception cref="InvarLockException">The file is missing, not a regular file, too large or unreadable.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, ErrorCode code, string what)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength - 1L);
        using FileStream stream = OpenRead(path, code, what, FileOptions.SequentialScan);
        try
        {
            long length = stream.Length;
            if (length > maxBytes)
            {
                throw TooLarge(path, what, length, maxBytes, code);
            }
            // Read up to one byte past the limit: a file that grows (or reports a wrong length) is still bounded.
            byte[] buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(length, 4096))];
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        throw TooLarge(path, what, total, maxBytes, code);
                    }
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }
                int read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            if (total > maxBytes)
            {
                throw TooLarge(path, what, total, maxBytes, code);
            }
            if (total != buffer.Length)
            {
                Array.Resize(ref buffer, total);
            }
            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(code, $"{path}: the {what} cannot be read ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>Reads a whole regular file of at most <paramref name="maxBytes"/> bytes as strict UTF-8 (a leading
    /// byte-order mark is skipped; invalid bytes are an error).</summary>
    /// <inheritdoc cref="ReadAllBytes" path="/param"/>
    /// <exception cref="InvarLockException">As <see cref="ReadAllBytes"/>, or the bytes are not valid UTF-8.</exception>
    public static string ReadAllText(string path, long maxBytes, ErrorCode code, string what)
    {
        byte[] bytes = ReadAllBytes(path, maxBytes, code, what);
        int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvarLockException(code, $"{path}: the {what} is not valid UTF-8 ({OneLine(e.Message)})", e);
        }
    }

    private static InvarLockException TooLarge(string path, string what, long length, long maxBytes, ErrorCode code) =>
        new(code, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{path}: the {what} is {(length > maxBytes + 1 ? $"{length}" : $"more than {maxBytes}")} bytes, above the {maxBytes}-byte limit"));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
