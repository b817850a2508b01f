namespace InvarLock.Core.Plugins;

/// <summary>A folder under the plugins directory: its install record, or why it cannot be read.</summary>
/// <param name="Directory">The version folder (<c>&lt;plugins&gt;/&lt;id&gt;/&lt;version&gt;</c>).</param>
/// <param name="Record">The install record; null when it is missing or malformed.</param>
/// <param name="Problem">Why the record could not be read; null when it could.</param>
public sealed record InstalledPlugin(string Directory, InstallRecord? Record, string? Problem)
{
    /// <summary>The signed package kept at install time.</summary>
    public const string PackageFileName = "package.nupkg";

    /// <summary>The folder holding the plugin's files.</summary>
    public const string FilesFolderName = "files";

    public string FilesDirectory => Path.Combine(Directory, FilesFolderName);

    public string PackagePath => Path.Combine(Directory, PackageFileName);

    /// <summary>The plugin id, or the folder name when the record is unreadable.</summary>
    public string Id => Record?.Id ?? Path.GetFileName(Path.GetDirectoryName(Directory)) ?? Directory;
}
