using InvarLock.Core.Plugins.Packaging;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using InvarLock.Sdk.IO;

namespace InvarLock.Core.Plugins;

/// <summary>Installs, lists and removes third-party plugin packages in the plugins folder
/// (<c>&lt;plugins&gt;/&lt;id&gt;/&lt;version&gt;/{package.nupkg, install-record.json, files/…}</c>). Installing verifies the
/// package fully first; nothing is written outside a staging folder inside the plugins folder until every check passes,
/// and the finished folder appears with one rename.</summary>
public sealed class PluginInstaller
{
    private readonly TrustStore _trust;
    private readonly PackageLimits _limits;
    private readonly TimeProvider _time;

    public PluginInstaller(string pluginsDirectory, TrustStore trust, PackageLimits? limits = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginsDirectory);
        ArgumentNullException.ThrowIfNull(trust);
        PluginsDirectory = Path.GetFullPath(pluginsDirectory);
        _trust = trust;
        _limits = limits ?? PackageLimits.Default;
        _time = time ?? TimeProvider.System;
    }

    public string PluginsDirectory { get; }

    internal PackageLimits Limits => _limits;

    /// <summary>Installs the package at <paramref name="packagePath"/>.</summary>
    /// <param name="replace">Replace an installed version of the same id; otherwise that is an error.</param>
    public InstallRecord Install(string packagePath, bool replace = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packagePath);
        var info = new FileInfo(packagePath);
        if (!info.Exists)
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{packagePath}: no such package file");
        }
        if (info.Length > _limits.MaxPackageBytes)
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{packagePath}: package is larger than {_limits.MaxPackageBytes} bytes");
        }
        return Install(File.ReadAllBytes(packagePath), Path.GetFileName(packagePath), replace);
    }

    /// <summary>Installs a package given as bytes; <paramref name="displayName"/> names it in messages.</summary>
    public InstallRecord Install(byte[] packageBytes, string displayName, bool replace = false)
    {
        ArgumentNullException.ThrowIfNull(packageBytes);
        VerifiedPackage package = VerifiedPackage.Verify(packageBytes, displayName, _trust, _limits);
        PluginManifest manifest = package.Manifest;
        string idDirectory = Path.Combine(PluginsDirectory, manifest.Id.ToLowerInvariant());
        string finalDirectory = Path.Combine(idDirectory, manifest.Version);
        if (Directory.Exists(idDirectory) && !replace)
        {
            string existing = string.Join(", ", ListVersions(idDirectory));
            throw new InvarLockException(ErrorCodes.PluginRefused,
                $"{displayName}: {manifest.Id} is already installed (version {existing}); remove it first or install with --replace");
        }

        Directory.CreateDirectory(PluginsDirectory);
        string staging = Path.Combine(PluginsDirectory, $".staging-{Guid.NewGuid():N}");
        string? trash = null;
        try
        {
            Directory.CreateDirectory(staging);
            List<InstalledFile> files = package.Extract(Path.Combine(staging, InstalledPlugin.FilesFolderName), _limits);
            var record = new InstallRecord(manifest, package.Signature.Fingerprint, package.Signature.Subject,
                package.Signature.SigningTime, package.Signature.ContentHash, _time.GetUtcNow(), files);
            AtomicFile.WriteAllBytes(Path.Combine(staging, InstalledPlugin.PackageFileName), packageBytes);
            AtomicFile.WriteAllText(Path.Combine(staging, InstallRecord.FileName), record.ToJson());
            if (Directory.Exists(idDirectory))
            {
                trash = Path.Combine(PluginsDirectory, $".trash-{Guid.NewGuid():N}");
                Directory.Move(idDirectory, trash);
            }
            Directory.CreateDirectory(idDirectory);
            Directory.Move(staging, finalDirectory);
            return record;
        }
        catch
        {
            if (trash is not null && !Directory.Exists(finalDirectory))
            {
                TryDeleteDirectory(idDirectory);
                Directory.Move(trash, idDirectory);
                trash = null;
            }
            throw;
        }
        finally
        {
            TryDeleteDirectory(staging);
            if (trash is not null)
            {
                TryDeleteDirectory(trash);
            }
        }
    }

    /// <summary>Every plugin folder, sorted by id then version; unreadable ones carry a <see cref="InstalledPlugin.Problem"/>.</summary>
    public IReadOnlyList<InstalledPlugin> ListInstalled()
    {
        var list = new List<InstalledPlugin>();
        if (!Directory.Exists(PluginsDirectory))
        {
            return list;
        }
        var ids = new List<string>(Directory.GetDirectories(PluginsDirectory));
        ids.Sort(StringComparer.Ordinal);
        foreach (string idDir in ids)
        {
            if (Path.GetFileName(idDir).StartsWith('.'))
            {
                continue;
            }
            foreach (string version in ListVersions(idDir))
            {
                string dir = Path.Combine(idDir, version);
                string recordPath = Path.Combine(dir, InstallRecord.FileName);
                try
                {
                    if (!File.Exists(recordPath))
                    {
                        list.Add(new InstalledPlugin(dir, null, $"{recordPath}: missing install record"));
                        continue;
                    }
                    InstallRecord record = InstallRecord.Parse(File.ReadAllText(recordPath), recordPath);
                    string? problem = !string.Equals(record.Id.ToLowerInvariant(), Path.GetFileName(idDir), StringComparison.Ordinal)
                        || record.Version != version
                        ? $"{recordPath}: record names {record.Id} {record.Version}, which does not match its folder"
                        : null;
                    list.Add(new InstalledPlugin(dir, problem is null ? record : null, problem));
                }
                catch (InvarLockException e)
                {
                    list.Add(new InstalledPlugin(dir, null, e.Message));
                }
            }
        }
        return list;
    }

    /// <summary>Removes the installed plugin whose id (ignoring case), or one of whose component names, is
    /// <paramref name="idOrName"/>. Returns what was removed.</summary>
    public IReadOnlyList<InstalledPlugin> Remove(string idOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrName);
        var byId = new List<InstalledPlugin>();
        var byName = new List<InstalledPlugin>();
        foreach (InstalledPlugin p in ListInstalled())
        {
            if (string.Equals(p.Id, idOrName, StringComparison.OrdinalIgnoreCase))
            {
                byId.Add(p);
            }
            else if (p.Record is not null && p.Record.Manifest.Provides.Any(x => x.Name == idOrName))
            {
                byName.Add(p);
            }
        }
        List<InstalledPlugin> matches = byId.Count > 0 ? byId : byName;
        if (matches.Count == 0)
        {
            throw new InvarLockException(ErrorCodes.UnknownPlugin, $"no installed plugin has the id or component name '{idOrName}'");
        }
        var idDirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (InstalledPlugin p in matches)
        {
            idDirs.Add(Path.GetDirectoryName(p.Directory)!);
        }
        if (idDirs.Count > 1)
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"'{idOrName}' is provided by several plugins ({string.Join(", ", matches.Select(m => m.Id))}); remove one by its id");
        }
        foreach (string dir in idDirs)
        {
            string trash = Path.Combine(PluginsDirectory, $".trash-{Guid.NewGuid():N}");
            Directory.Move(dir, trash);
            TryDeleteDirectory(trash);
        }
        return matches;
    }

    private static List<string> ListVersions(string idDirectory)
    {
        var versions = new List<string>();
        foreach (string d in Directory.GetDirectories(idDirectory))
        {
            versions.Add(Path.GetFileName(d));
        }
        versions.Sort(StringComparer.Ordinal);
        return versions;
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
