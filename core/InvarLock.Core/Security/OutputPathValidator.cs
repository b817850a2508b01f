using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Security;

/// <summary>Checks output locations before anything is written. The output folder the user names may be an existing
/// folder (or a link to one they chose), never a file; below it, nothing is written through a symbolic link the user
/// did not name (a planted <c>report.json → ~/.bashrc</c> is refused).</summary>
public static class OutputPathValidator
{
    /// <summary>Validates the output folder named by the user and returns its full path. Does not create it.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.OutputError"/> when the path is a file.</exception>
    public static string ValidateOutputDirectory(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvarLockException(ErrorCodes.OutputError, "output path is empty");
        }
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: is an existing file; --out must name a folder");
        }
        var info = new FileInfo(full);
        if (info.LinkTarget is not null && !Directory.Exists(full))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: is a symbolic link that does not lead to a folder");
        }
        return full;
    }

    /// <summary>Resolves <paramref name="relativePath"/> inside <paramref name="outputDirectory"/> for writing and
    /// refuses it when it escapes the folder, or when it or any folder between it and the output folder exists as a
    /// symbolic link, or when it is an existing folder.</summary>
    public static string ResolveOutputFile(string outputDirectory, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (relativePath.Length == 0 || Path.IsPathRooted(relativePath))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{relativePath}: output file names must be relative");
        }
        string root = Path.GetFullPath(outputDirectory);
        string target = Path.GetFullPath(Path.Combine(root, relativePath));
        string rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!target.StartsWith(rootWithSep, StringComparison.Ordinal))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{relativePath}: leaves the output folder {root}");
        }
        string current = root;
        foreach (string part in target[rootWithSep.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new InvarLockException(ErrorCodes.OutputError,
                    $"{current}: is a symbolic link inside the output folder; refusing to write through it");
            }
        }
        if (Directory.Exists(target))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{target}: is a folder, expected a file name");
        }
        return target;
    }

    /// <summary>True when a file can be created in <paramref name="directory"/> (creating the folder if needed);
    /// <paramref name="problem"/> says why not.</summary>
    public static bool CanWrite(string directory, out string? problem)
    {
        try
        {
            string full = ValidateOutputDirectory(directory);
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".invarlock-write-probe-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            problem = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvarLockException)
        {
            problem = e.Message;
            return false;
        }
    }
}
