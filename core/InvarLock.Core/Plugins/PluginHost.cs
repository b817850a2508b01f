using System.Reflection;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Sdk;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;
using McMaster.NETCore.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>Finds installed third-party plugins and, only when the operator opted in
/// (<c>INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS</c>), verifies and loads each into its own collectible load context and
/// registers its components. Loading goes through McMaster.NETCore.Plugins (<see cref="PluginLoader"/>: unloadable, the
/// SDK shared with the host, every other dependency resolved from the plugin's own folder through its
/// <c>.deps.json</c>). The folder it loads from is a <see cref="PluginSnapshot"/>: the exact bytes that were just
/// hashed and compared with the install record, written to a fresh owner-only folder, so no file can change between
/// the check and the load. A plugin is refused, with the reason, when its record is unreadable, its kept package's
/// signature fails or its signer is no longer trusted, it is incompatible, any file differs from the install record,
/// its entry type is missing, or it registers something other than its manifest declares. Disposing the host unloads
/// every plugin; the registry it filled must not be used afterwards.</summary>
public sealed class PluginHost : IDisposable
{
    private readonly TimeProvider _time;
    private readonly List<(LoadedPlugin Plugin, PluginLoader Loader, PluginSnapshot Snapshot)> _loaded = [];
    private bool _loadedOnce;
    private bool _disposed;

    public PluginHost(PluginHostOptions options, TimeProvider? time = null, PackageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _time = time ?? TimeProvider.System;
        Trust = new TrustStore(options.TrustFile, _time);
        Installer = new PluginInstaller(options.PluginsDirectory, Trust, limits, _time);
    }

    public PluginHostOptions Options { get; }

    public TrustStore Trust { get; }

    public PluginInstaller Installer { get; }

    /// <summary>The plugins loaded by <see cref="LoadInto"/>, sorted by id.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded => _loaded.ConvertAll(l => l.Plugin);

    /// <summary>The snapshot folder of each loaded plugin (deleted when the host is disposed).</summary>
    internal IReadOnlyList<string> SnapshotDirectories => _loaded.ConvertAll(l => l.Snapshot.Directory);

    /// <summary>Creates a host from the environment and loads the enabled plugins into <paramref name="registry"/>:
    /// the call a run makes after registering the first-party components. Dispose the host when the run ends.</summary>
    public static PluginHost LoadEnabledPlugins(PluginRegistry registry, IReadOnlyDictionary<string, string?> environment)
    {
        var host = new PluginHost(PluginHostOptions.FromEnvironment(environment));
        try
        {
            host.LoadInto(registry);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The status of every installed plugin, found without running plugin code: disabled while the gate is
    /// closed; otherwise enabled when every load-time check passes, refused with the reason when one fails.</summary>
    public IReadOnlyList<PluginInspection> Inspect()
    {
        var result = new List<PluginInspection>();
        string? trustProblem = Options.AllowThirdParty ? Trust.CheckPermissions() : null;
        foreach (InstalledPlugin p in Installer.ListInstalled())
        {
            if (p.Record is null)
            {
                result.Add(new PluginInspection(p.Id, null, [], null, PluginStatus.Refused, p.Problem, p.Directory));
                continue;
            }
            InstallRecord r = p.Record;
            if (!Options.AllowThirdParty)
            {
                result.Add(Inspection(p, PluginStatus.Disabled, PluginHostOptions.DisabledReason));
                continue;
            }
            if (trustProblem is not null)
            {
                result.Add(Inspection(p, PluginStatus.Refused, trustProblem));
                continue;
            }
            try
            {
                VerifyInstalled(p);
                result.Add(Inspection(p, PluginStatus.Enabled, null));
            }
            catch (InvarLockException e)
            {
                result.Add(Inspection(p, PluginStatus.Refused, e.Message));
            }
        }
        return result;
    }

    /// <summary>Registers the installed plugins' components in <paramref name="registry"/>: loaded ones as enabled,
    /// the rest as disabled or refused entries that explain themselves when named. Returns each plugin's status.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.PluginRefused"/> when a plugin's component name is
    /// already registered (the message names both sources).</exception>
    public IReadOnlyList<PluginInspection> LoadInto(PluginRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loadedOnce)
        {
            throw new InvalidOperationException("plugins were already loaded by this host");
        }
        _loadedOnce = true;
        var result = new List<PluginInspection>();
        string? trustProblem = Options.AllowThirdParty ? Trust.CheckPermissions() : null;
        foreach (InstalledPlugin p in Installer.ListInstalled())
        {
            if (p.Record is null)
            {
                result.Add(new PluginInspection(p.Id, null, [], null, PluginStatus.Refused, p.Problem, p.Directory));
                continue;
            }
            if (!Options.AllowThirdParty)
            {
                MarkUnavailable(registry, p.Record, PluginStatus.Disabled, PluginHostOptions.DisabledReason);
                result.Add(Inspection(p, PluginStatus.Disabled, PluginHostOptions.DisabledReason));
                continue;
            }
            string? refusal = trustProblem;
            if (refusal is null)
            {
                try
                {
                    Load(p, registry);
                }
                catch (InvarLockException e) when (e is not PluginConflictException)
                {
                    refusal = e.Message;
                }
            }
            if (refusal is not null)
            {
                MarkUnavailable(registry, p.Record, PluginStatus.Refused, refusal);
                result.Add(Inspection(p, PluginStatus.Refused, refusal));
            }
            else
            {
                result.Add(Inspection(p, PluginStatus.Enabled, null));
            }
        }
        return result;
    }

    /// <summary>Unloads every plugin's load context. Components obtained from them must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach ((_, PluginLoader loader, PluginSnapshot snapshot) in _loaded)
        {
            loader.Dispose();
            snapshot.Dispose();
        }
        _loaded.Clear();
    }

    private void Load(InstalledPlugin installed, PluginRegistry registry)
    {
        InstallRecord record = installed.Record!;
        Dictionary<string, byte[]> verified = VerifyInstalled(installed);
        var source = new PluginSource(record.Id, record.SignerFingerprint, record.Version);
        PluginSnapshot snapshot = PluginSnapshot.Create(verified, $"{record.Id} {record.Version}");
        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(Path.Combine(snapshot.Directory, record.Manifest.Assembly), isUnloadable: true,
                sharedTypes: [typeof(IPluginModule)], configure: c => c.LoadInMemory = true);
            List<RecordedRegistration> registrations = Instantiate(loader, record);
            registry.EnsureCanRegister(registrations.ConvertAll(r => new PluginProvision(r.Kind, r.Name)), source);
            IReadOnlyList<PluginEntry> entries = registry.Register(new ReplayModule(registrations), source);
            _loaded.Add((new LoadedPlugin(record.Id, record.Version, record.SignerFingerprint, record.SignerSubject, entries), loader, snapshot));
        }
        catch
        {
            loader?.Dispose();
            snapshot.Dispose();
            throw;
        }
    }

    private static List<RecordedRegistration> Instantiate(PluginLoader loader, InstallRecord record)
    {
        string who = $"{record.Id} {record.Version}";
        var recorder = new RecordingRegistrar();
        try
        {
            Assembly assembly = loader.LoadDefaultAssembly();
            InvarLockPluginAttribute attribute = assembly.GetCustomAttribute<InvarLockPluginAttribute>()
                ?? throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: {record.Manifest.Assembly} has no [assembly: InvarLockPlugin(typeof(...))] attribute");
            Type moduleType = attribute.ModuleType;
            if (moduleType.Assembly != assembly || !typeof(IPluginModule).IsAssignableFrom(moduleType) || moduleType.IsAbstract
                || moduleType.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused,
                    $"{who}: entry type {moduleType.FullName} must be a concrete IPluginModule in {record.Manifest.Assembly} with a public parameterless constructor");
            }
            var module = (IPluginModule)Activator.CreateInstance(moduleType)!;
            module.Register(recorder);
        }
        catch (InvarLockException)
        {
            throw;
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: not null } t ? t.InnerException! : e;
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: failed to load ({inner.GetType().Name}: {inner.Message})", inner);
        }
        var declared = new HashSet<(PluginKind, string)>();
        foreach (PluginProvision p in record.Manifest.Provides)
        {
            declared.Add((p.Kind, p.Name));
        }
        var registered = new HashSet<(PluginKind, string)>();
        foreach (RecordedRegistration r in recorder.Registrations)
        {
            if (!declared.Contains((r.Kind, r.Name)))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused,
                    $"{who}: registers {PluginRegistry.KindWord(r.Kind)} '{r.Name}', which its manifest does not declare");
            }
            if (!registered.Add((r.Kind, r.Name)))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: registers {PluginRegistry.KindWord(r.Kind)} '{r.Name}' twice");
            }
        }
        foreach ((PluginKind kind, string name) in declared)
        {
            if (!registered.Contains((kind, name)))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused,
                    $"{who}: its manifest declares {PluginRegistry.KindWord(kind)} '{name}', which it does not register");
            }
        }
        return recorder.Registrations;
    }

    /// <summary>Every load-time check short of running code; returns the verified bytes of every file by relative path
    /// (each file read once: what was hashed is what gets loaded).</summary>
    private Dictionary<string, byte[]> VerifyInstalled(InstalledPlugin installed)
    {
        InstallRecord record = installed.Record!;
        string who = $"{record.Id} {record.Version}";
        if (!File.Exists(installed.PackagePath))
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: the signed package kept at install is missing ({installed.PackagePath})");
        }
        VerifiedPackage package = VerifiedPackage.Verify(File.ReadAllBytes(installed.PackagePath), $"{who} ({InstalledPlugin.PackageFileName})",
            Trust, Installer.Limits);
        PluginManifest m = package.Manifest;
        if (package.Signature.Fingerprint != record.SignerFingerprint || package.Signature.ContentHash != record.ContentHash
            || m.Id != record.Manifest.Id || m.Version != record.Manifest.Version || m.Assembly != record.Manifest.Assembly
            || m.SdkVersion != record.Manifest.SdkVersion || !m.Provides.SequenceEqual(record.Manifest.Provides))
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: install record does not match the signed package (tampered)");
        }
        Dictionary<string, byte[]> packaged = package.ReadPluginFiles(Installer.Limits);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (InstalledFile f in record.Files)
        {
            if (!packaged.TryGetValue(f.Path, out byte[]? p) || VerifiedPackage.Sha256(p) != f.Sha256 || p.LongLength != f.Size)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: install record entry '{f.Path}' does not match the signed package (tampered)");
            }
            hashes[f.Path] = f.Sha256;
        }
        if (hashes.Count != packaged.Count)
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: install record does not list every file of the signed package (tampered)");
        }
        var onDisk = new HashSet<string>(StringComparer.Ordinal);
        CollectFiles(installed.FilesDirectory, installed.FilesDirectory, onDisk, who);
        foreach (string path in onDisk)
        {
            if (!hashes.ContainsKey(path))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: file '{path}' was added after install (tampered)");
            }
        }
        var verified = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string path, string sha) in hashes)
        {
            if (!onDisk.Contains(path))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: file '{path}' is missing (tampered)");
            }
            byte[] bytes = File.ReadAllBytes(Path.Combine(installed.FilesDirectory, path.Replace('/', Path.DirectorySeparatorChar)));
            if (VerifiedPackage.Sha256(bytes) != sha)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: file '{path}' changed since install (SHA-256 differs; tampered)");
            }
            verified[path] = bytes;
        }
        return verified;
    }

    private static void CollectFiles(string root, string directory, HashSet<string> files, string who)
    {
        foreach (FileSystemInfo info in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            string relative = Path.GetRelativePath(root, info.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (info.LinkTarget is not null)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{who}: '{relative}' is a symbolic link (tampered)");
            }
            if (info is DirectoryInfo)
            {
                CollectFiles(root, info.FullName, files, who);
            }
            else
            {
                files.Add(relative);
            }
        }
    }

    private static void MarkUnavailable(PluginRegistry registry, InstallRecord record, PluginStatus status, string reason)
    {
        var source = new PluginSource(record.Id, record.SignerFingerprint, record.Version);
        foreach (PluginProvision p in record.Manifest.Provides)
        {
            var descriptor = new PluginDescriptor(p.Name, ParseVersion(record.Version), $"from {record.Id} {record.Version}");
            registry.AddUnavailable(new PluginEntry(p.Kind, descriptor, source) { Status = status, StatusReason = reason });
        }
    }

    private static PluginInspection Inspection(InstalledPlugin p, PluginStatus status, string? reason) =>
        new(p.Record!.Id, p.Record.Version, p.Record.Manifest.Provides, p.Record.SignerFingerprint, status, reason, p.Directory);

    internal static Version ParseVersion(string text)
    {
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        return Version.TryParse(dash >= 0 ? text[..dash] : text, out Version? v) ? v : new Version(0, 0);
    }

    private sealed record RecordedRegistration(PluginKind Kind, string Name, Action<IPluginRegistrar> Replay);

    private sealed class RecordingRegistrar : IPluginRegistrar
    {
        public List<RecordedRegistration> Registrations { get; } = [];

        public void AddAdapter(IModelAdapter adapter)
        {
            ArgumentNullException.ThrowIfNull(adapter);
            Registrations.Add(new(PluginKind.Adapter, adapter.Descriptor.Name, r => r.AddAdapter(adapter)));
        }

        public void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory)
        {
            ArgumentNullException.ThrowIfNull(descriptor);
            ArgumentNullException.ThrowIfNull(factory);
            Registrations.Add(new(PluginKind.Guard, descriptor.Name, r => r.AddGuard(descriptor, factory)));
        }

        public void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory, IGuardPolicyProvider policy)
        {
            ArgumentNullException.ThrowIfNull(descriptor);
            ArgumentNullException.ThrowIfNull(factory);
            ArgumentNullException.ThrowIfNull(policy);
            Registrations.Add(new(PluginKind.Guard, descriptor.Name, r => r.AddGuard(descriptor, factory, policy)));
        }

        public void DeclareDefaultGuardChain(IReadOnlyList<string> guardNames) =>
            throw new InvarLockException(ErrorCodes.PluginRefused,
                "a third-party plugin may not declare the default guard chain; users name its guards in guard_order");

        public void AddEdit(IEdit edit)
        {
            ArgumentNullException.ThrowIfNull(edit);
            Registrations.Add(new(PluginKind.Edit, edit.Descriptor.Name, r => r.AddEdit(edit)));
        }

        public void AddDataset(IDatasetProvider provider)
        {
            ArgumentNullException.ThrowIfNull(provider);
            Registrations.Add(new(PluginKind.Dataset, provider.Descriptor.Name, r => r.AddDataset(provider)));
        }

        public void AddMetric(IPrimaryMetric metric)
        {
            ArgumentNullException.ThrowIfNull(metric);
            Registrations.Add(new(PluginKind.Metric, metric.Descriptor.Name, r => r.AddMetric(metric)));
        }
    }

    private sealed class ReplayModule(List<RecordedRegistration> registrations) : IPluginModule
    {
        public void Register(IPluginRegistrar registrar)
        {
            foreach (RecordedRegistration r in registrations)
            {
                r.Replay(registrar);
            }
        }
    }
}
