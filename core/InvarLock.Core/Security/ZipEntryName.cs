namespace InvarLock.Core.Security;

/// <summary>The one check of an archive entry name before anything is extracted (plugin packages, evidence bundles).</summary>
internal static class ZipEntryName
{
    /// <summary>Null when <paramref name="entryName"/> is a safe relative zip name; otherwise what is wrong with it.</summary>
    public static string? Check(string entryName, int maxLength)
    {
        if (entryName.Length == 0)
        {
            return "has an empty name";
        }
        if (entryName.Length > maxLength)
        {
            return $"has a name longer than {maxLength} characters";
        }
        foreach (char c in entryName)
        {
            if (char.IsControl(c))
            {
                return "has a control character in its name";
            }
            if (c is '\\' or ':')
            {
                return $"contains '{c}' (backslashes, drive letters and alternate streams are not allowed)";
            }
        }
        if (entryName[0] == '/')
        {
            return "is an absolute path";
        }
        string trimmed = entryName.EndsWith('/') ? entryName[..^1] : entryName;
        foreach (string segment in trimmed.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "has an empty path segment";
            }
            if (segment is "." or "..")
            {
                return "has a '.' or '..' segment (path traversal)";
            }
        }
        return null;
    }
}
