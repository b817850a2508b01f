using InvarLock.Core.Plugins.Packaging;

namespace InvarLock.Core.Plugins;

/// <summary>The private folder one loaded plugin's load context reads from: the bytes the host has just hashed and
/// compared with the install record, written to a new temporary folder that only the current user can open (mode
/// 0700 on Unix), so a file cannot be swapped between the check and the load. Disposing deletes it.</summary>
internal sealed class PluginSnapshot : IDisposable
{
    private PluginSnapshot(string directory) => Directory = directory;

    /// <summary>The snapshot folder.</summary>
    public string Directory { get; }

    /// <summary>Writes <paramref name="files"/> (relative path → verified bytes) to a new owner-only folder.</summary>
    public static PluginSnapshot Create(IReadOnlyDictionary<string, byte[]> files, string displayName)
    {
        ArgumentNullException.ThrowIfNull(files);
        string directory = System.IO.Directory.CreateTempSubdirectory("invarlock-plugin-").FullName;
        var snapshot = new PluginSnapshot(directory);
        try
        {
            foreach ((string relative, byte[] data) in files)
            {
                VerifiedPackage.WriteInside(directory, relative, data, displayName);
            }
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    public void Dispose() => PluginInstaller.TryDeleteDirectory(Directory);
}
