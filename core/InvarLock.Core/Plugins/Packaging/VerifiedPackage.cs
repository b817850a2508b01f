using System.IO.Compression;
using System.Security.Cryptography;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using NuGet.Packaging;
using NuGet.Packaging.Core;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>A plugin package that passed every check: safe entry names and bounded sizes, a valid author signature
/// from a trusted signer (NuGet.Packaging's verification providers), a manifest consistent with the nuspec (read by
/// NuGet.Packaging), and a compatible SDK version.</summary>
internal sealed class VerifiedPackage
{
    /// <summary>The package folder that holds the plugin's files (assembly, dependencies, .deps.json, manifest).</summary>
    public const string PluginFolder = "plugin/";

    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymbolicLink = 0xA000;

    private VerifiedPackage(byte[] bytes, string displayName, PackageSignature signature, PluginManifest manifest, List<string> pluginFiles)
    {
        Bytes = bytes;
        DisplayName = displayName;
        Signature = signature;
        Manifest = manifest;
        PluginFiles = pluginFiles;
    }

    public byte[] Bytes { get; }

    public string DisplayName { get; }

    public PackageSignature Signature { get; }

    public PluginManifest Manifest { get; }

    /// <summary>The entry names under <see cref="PluginFolder"/>, folders excluded.</summary>
    public IReadOnlyList<string> PluginFiles { get; }

    /// <summary>Runs every check in order (structure, signature, trust, manifest, compatibility) and throws
    /// <see cref="ErrorCodes.PluginRefused"/> with the first reason found.</summary>
    public static VerifiedPackage Verify(byte[] bytes, string displayName, TrustStore trust, PackageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > limits.MaxPackageBytes)
        {
            throw Refuse(displayName, $"package is larger than {limits.MaxPackageBytes} bytes");
        }
        List<string> pluginFiles;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            pluginFiles = CheckEntries(zip, displayName, limits);
        }
        catch (InvalidDataException e)
        {
            throw Refuse(displayName, $"not a valid zip package ({e.Message})");
        }
        using PackageArchiveReader reader = Open(bytes, displayName);
        try
        {
            reader.ValidatePackageEntriesAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (UnsafePackageEntryException e)
        {
            throw Refuse(displayName, $"an entry leaves the package folder ({e.Message})");
        }
        PackageSignature signature = PluginSignatureVerifier.Verify(reader, displayName, trust);
        if (!pluginFiles.Contains(PluginFolder + PluginManifest.FileName))
        {
            throw Refuse(displayName, $"package has no {PluginFolder}{PluginManifest.FileName}");
        }
        PluginManifest manifest = PluginManifestReader.Parse(ReadEntry(reader, PluginFolder + PluginManifest.FileName, PluginManifestReader.MaxManifestBytes, displayName),
            $"{displayName}!{PluginFolder}{PluginManifest.FileName}");
        CheckNuspec(reader, manifest, displayName);
        string? incompatible = PluginManifestReader.CheckCompatibility(manifest.SdkVersion);
        if (incompatible is not null)
        {
            throw Refuse(displayName, $"incompatible: {incompatible}");
        }
        if (!pluginFiles.Contains(PluginFolder + manifest.Assembly))
        {
            throw Refuse(displayName, $"manifest names assembly '{manifest.Assembly}', which is not in {PluginFolder}");
        }
        return new VerifiedPackage(bytes, displayName, signature, manifest, pluginFiles);
    }

    /// <summary>The bytes of every plugin file, by path relative to <see cref="PluginFolder"/>.</summary>
    public Dictionary<string, byte[]> ReadPluginFiles(PackageLimits limits)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        using PackageArchiveReader reader = Open(Bytes, DisplayName);
        foreach (string name in PluginFiles)
        {
            byte[] data = ReadEntry(reader, name, limits.MaxEntryBytes, DisplayName);
            total += data.LongLength;
            if (total > limits.MaxTotalBytes)
            {
                throw Refuse(DisplayName, $"unpacks to more than {limits.MaxTotalBytes} bytes");
            }
            result[name[PluginFolder.Length..]] = data;
        }
        return result;
    }

    /// <summary>Writes every plugin file below <paramref name="filesDirectory"/> (which must be empty) and returns
    /// the records. Names were checked already; each destination is checked again against the folder.</summary>
    public List<InstalledFile> Extract(string filesDirectory, PackageLimits limits)
    {
        var files = new List<InstalledFile>();
        foreach ((string relative, byte[] data) in ReadPluginFiles(limits))
        {
            WriteInside(filesDirectory, relative, data, DisplayName);
            files.Add(new InstalledFile(relative, Sha256(data), data.LongLength));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="relative"/> below <paramref name="root"/>, refusing
    /// a path that leaves it and a file that already exists.</summary>
    internal static void WriteInside(string root, string relative, byte[] data, string displayName)
    {
        string rootFull = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        string destination = Path.GetFullPath(Path.Combine(rootFull, relative.Replace('/', Path.DirectorySeparatorChar)));
        if (!destination.StartsWith(rootFull, StringComparison.Ordinal))
        {
            throw Refuse(displayName, $"entry '{relative}' leaves the plugin folder");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var stream = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(data);
        stream.Flush(flushToDisk: true);
    }

    internal static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Checks every entry: a safe relative name (no absolute paths, drive letters, backslashes, '..' or '.'
    /// segments, control characters), no links, no case-insensitive duplicates, and bounded counts and sizes.
    /// Returns the files under <see cref="PluginFolder"/>.</summary>
    internal static List<string> CheckEntries(ZipArchive zip, string displayName, PackageLimits limits)
    {
        if (zip.Entries.Count > limits.MaxEntries)
        {
            throw Refuse(displayName, $"has {zip.Entries.Count} entries; at most {limits.MaxEntries} are allowed");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pluginFiles = new List<string>();
        long declaredTotal = 0;
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            string name = e.FullName;
            string? problem = ZipEntryName.Check(name, limits.MaxNameLength);
            if (problem is not null)
            {
                throw Refuse(displayName, $"entry '{Printable(name)}' {problem}");
            }
            if (((e.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymbolicLink)
            {
                throw Refuse(displayName, $"entry '{name}' is a symbolic link; links are not allowed");
            }
            if (!seen.Add(name.TrimEnd('/')))
            {
                throw Refuse(displayName, $"entry '{name}' appears twice (names are compared ignoring case)");
            }
            if (e.Length > limits.MaxEntryBytes)
            {
                throw Refuse(displayName, $"entry '{name}' is larger than {limits.MaxEntryBytes} bytes");
            }
            if (e.Length > 1024 * 1024 && e.Length > limits.MaxCompressionRatio * Math.Max(1, e.CompressedLength))
            {
                throw Refuse(displayName, $"entry '{name}' compresses more than {limits.MaxCompressionRatio}:1 (zip bomb?)");
            }
            declaredTotal += e.Length;
            if (declaredTotal > limits.MaxTotalBytes)
            {
                throw Refuse(displayName, $"unpacks to more than {limits.MaxTotalBytes} bytes");
            }
            if (!name.EndsWith('/') && name.StartsWith(PluginFolder, StringComparison.Ordinal))
            {
                pluginFiles.Add(name);
            }
        }
        return pluginFiles;
    }

    private static PackageArchiveReader Open(byte[] bytes, string displayName)
    {
        try
        {
            return new PackageArchiveReader(new MemoryStream(bytes, writable: false), leaveStreamOpen: false);
        }
        catch (InvalidDataException e)
        {
            throw Refuse(displayName, $"not a valid zip package ({e.Message})");
        }
    }

    private static byte[] ReadEntry(PackageArchiveReader reader, string name, long maxBytes, string displayName)
    {
        ZipArchiveEntry entry = reader.GetEntry(name) ?? throw Refuse(displayName, $"entry '{name}' cannot be read");
        if (entry.Length > maxBytes)
        {
            throw Refuse(displayName, $"entry '{name}' is larger than {maxBytes} bytes");
        }
        var buffer = new byte[entry.Length];
        try
        {
            using Stream s = entry.Open();
            s.ReadExactly(buffer);
            if (s.ReadByte() != -1)
            {
                throw Refuse(displayName, $"entry '{name}' does not match its declared size");
            }
        }
        catch (EndOfStreamException)
        {
            throw Refuse(displayName, $"entry '{name}' does not match its declared size");
        }
        catch (InvalidDataException e)
        {
            throw Refuse(displayName, $"entry '{name}' is corrupt ({e.Message})");
        }
        return buffer;
    }

    private static void CheckNuspec(PackageArchiveReader reader, PluginManifest manifest, string displayName)
    {
        PackageIdentity identity;
        try
        {
            identity = reader.GetIdentity();
        }
        catch (Exception e) when (e is PackagingException or InvalidDataException or System.Xml.XmlException or FormatException or ArgumentException)
        {
            throw Refuse(displayName, $"malformed .nuspec ({e.Message})");
        }
        string version = identity.Version.ToNormalizedString();
        bool sameVersion = NuGet.Versioning.NuGetVersion.TryParse(manifest.Version, out NuGet.Versioning.NuGetVersion? declared)
            && declared == identity.Version;
        if (!string.Equals(identity.Id, manifest.Id, StringComparison.OrdinalIgnoreCase) || !sameVersion)
        {
            throw Refuse(displayName, $"manifest says {manifest.Id} {manifest.Version} but the package is {identity.Id} {version}");
        }
    }

    private static string Printable(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }
        return new string(chars);
    }

    internal static InvarLockException Refuse(string displayName, string problem) => PluginSignatureVerifier.Refuse(displayName, problem);
}
