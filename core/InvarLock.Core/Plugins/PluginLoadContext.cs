using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Plugins;

/// <summary>The collectible load context of one third-party plugin. The SDK contract assembly, its public dependency
/// (System.Numerics.Tensors) and the framework resolve to the host's copies, so contract types are identical; every
/// other assembly and native library resolves from the plugin's folder through its <c>.deps.json</c>. Managed
/// assemblies are read once, checked against the install record's SHA-256, and loaded from those same bytes.</summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<HashSet<string>> SharedNames = new(BuildSharedNames);

    private readonly string _filesDirectory;
    private readonly IReadOnlyDictionary<string, string> _hashes;
    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string pluginId, string filesDirectory, string mainAssemblyPath, IReadOnlyDictionary<string, string> hashes)
        : base($"invarlock-plugin:{pluginId}", isCollectible: true)
    {
        _filesDirectory = Path.GetFullPath(filesDirectory) + Path.DirectorySeparatorChar;
        _hashes = hashes;
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    /// <summary>True when <paramref name="assemblyName"/> must come from the host (SDK contracts, framework).</summary>
    public static bool IsShared(string? assemblyName) => assemblyName is not null && SharedNames.Value.Contains(assemblyName);

    /// <summary>Loads an assembly file of this plugin after checking its hash.</summary>
    public Assembly LoadVerified(string path)
    {
        byte[] bytes = ReadVerified(path);
        using var stream = new MemoryStream(bytes, writable: false);
        return LoadFromStream(stream);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName.Name))
        {
            return null;
        }
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is not null && IsInside(path) ? LoadVerified(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        if (path is null || !IsInside(path))
        {
            return IntPtr.Zero;
        }
        // Native libraries can only be loaded from a path: check the file immediately before.
        ReadVerified(path);
        return LoadUnmanagedDllFromPath(path);
    }

    private bool IsInside(string path) => Path.GetFullPath(path).StartsWith(_filesDirectory, StringComparison.Ordinal);

    private byte[] ReadVerified(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = full[_filesDirectory.Length..].Replace(Path.DirectorySeparatorChar, '/');
        if (!_hashes.TryGetValue(relative, out string? expected))
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{full}: not part of the installed plugin (refusing to load it)");
        }
        byte[] bytes = File.ReadAllBytes(full);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != expected)
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{full}: changed since install (SHA-256 differs); refusing to load it");
        }
        return bytes;
    }

    private static HashSet<string> BuildSharedNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "InvarLock.Sdk", "System.Numerics.Tensors" };
        string runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        foreach (string file in Directory.EnumerateFiles(runtimeDirectory, "*.dll"))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }
        return names;
    }
}
