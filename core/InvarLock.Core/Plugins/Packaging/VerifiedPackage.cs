using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>A plugin package that passed every check: safe entry names and bounded sizes, a valid author signature
/// from a trusted signer, a manifest consistent with the nuspec, and a compatible SDK version.</summary>
internal sealed class VerifiedPackage
{
    /// <summary>The package folder that holds the plugin's files (assembly, dependencies, .deps.json, manifest).</summary>
    public const string PluginFolder = "plugin/";

    private VerifiedPackage(PackageArchive archive, PackageSignature signature, PluginManifest manifest, List<ZipEntryRecord> pluginFiles)
    {
        Archive = archive;
        Signature = signature;
        Manifest = manifest;
        PluginFiles = pluginFiles;
    }

    public PackageArchive Archive { get; }

    public PackageSignature Signature { get; }

    public PluginManifest Manifest { get; }

    /// <summary>The files under <see cref="PluginFolder"/>, folders excluded.</summary>
    public IReadOnlyList<ZipEntryRecord> PluginFiles { get; }

    /// <summary>Runs every check in order (structure, signature, trust, manifest, compatibility) and throws
    /// <see cref="ErrorCodes.PluginRefused"/> with the first reason found.</summary>
    public static VerifiedPackage Verify(byte[] bytes, string displayName, TrustStore trust, PackageLimits limits, TimeProvider? time)
    {
        PackageArchive archive = PackageArchive.Read(bytes, displayName, limits);
        List<ZipEntryRecord> pluginFiles = CheckEntries(archive, limits);
        PackageSignature signature = PackageSignatureVerifier.Verify(archive, time);
        if (!trust.IsTrusted(signature.Fingerprint))
        {
            throw PackageArchive.Refuse(displayName,
                $"signer {signature.Fingerprint} ({signature.Subject}) is not on the trust list {trust.Path}; if you trust it, run: invarlock plugins trust add {signature.Fingerprint}");
        }
        using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        ZipArchiveEntry manifestEntry = zip.GetEntry(PluginFolder + PluginManifest.FileName)
            ?? throw PackageArchive.Refuse(displayName, $"package has no {PluginFolder}{PluginManifest.FileName}");
        PluginManifest manifest = PluginManifestReader.Parse(ReadEntry(manifestEntry, PluginManifestReader.MaxManifestBytes, displayName),
            $"{displayName}!{PluginFolder}{PluginManifest.FileName}");
        CheckNuspec(zip, manifest, displayName);
        string? incompatible = PluginManifestReader.CheckCompatibility(manifest.SdkVersion);
        if (incompatible is not null)
        {
            throw PackageArchive.Refuse(displayName, $"incompatible: {incompatible}");
        }
        bool hasAssembly = pluginFiles.Exists(e => e.Name == PluginFolder + manifest.Assembly);
        if (!hasAssembly)
        {
            throw PackageArchive.Refuse(displayName, $"manifest names assembly '{manifest.Assembly}', which is not in {PluginFolder}");
        }
        return new VerifiedPackage(archive, signature, manifest, pluginFiles);
    }

    /// <summary>The SHA-256 (lower-case hex) of every plugin file, by path relative to <see cref="PluginFolder"/>.</summary>
    public Dictionary<string, (string Sha256, long Size)> HashPluginFiles(PackageLimits limits)
    {
        var result = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(Archive.Bytes, writable: false), ZipArchiveMode.Read);
        foreach (ZipEntryRecord e in PluginFiles)
        {
            ZipArchiveEntry entry = zip.GetEntry(e.Name) ?? throw PackageArchive.Refuse(Archive.DisplayName, $"entry '{e.Name}' cannot be read");
            byte[] data = ReadEntry(entry, limits.MaxEntryBytes, Archive.DisplayName);
            result[e.Name[PluginFolder.Length..]] = (Convert.ToHexStringLower(SHA256.HashData(data)), data.LongLength);
        }
        return result;
    }

    /// <summary>Writes every plugin file below <paramref name="filesDirectory"/> (which must be empty) and returns
    /// the records. Names were checked already; the destination is checked again against the folder.</summary>
    public List<InstalledFile> Extract(string filesDirectory, PackageLimits limits)
    {
        string root = Path.GetFullPath(filesDirectory) + Path.DirectorySeparatorChar;
        var files = new List<InstalledFile>();
        long total = 0;
        using var zip = new ZipArchive(new MemoryStream(Archive.Bytes, writable: false), ZipArchiveMode.Read);
        foreach (ZipEntryRecord e in PluginFiles)
        {
            string relative = e.Name[PluginFolder.Length..];
            string destination = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
            {
                throw PackageArchive.Refuse(Archive.DisplayName, $"entry '{e.Name}' leaves the plugin folder");
            }
            ZipArchiveEntry entry = zip.GetEntry(e.Name) ?? throw PackageArchive.Refuse(Archive.DisplayName, $"entry '{e.Name}' cannot be read");
            byte[] data = ReadEntry(entry, limits.MaxEntryBytes, Archive.DisplayName);
            total += data.LongLength;
            if (total > limits.MaxTotalBytes)
            {
                throw PackageArchive.Refuse(Archive.DisplayName, $"unpacks to more than {limits.MaxTotalBytes} bytes");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using (var stream = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }
            files.Add(new InstalledFile(relative, Convert.ToHexStringLower(SHA256.HashData(data)), data.LongLength));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return files;
    }

    /// <summary>Checks every entry: a safe relative name (no absolute paths, drive letters, backslashes, '..' or '.'
    /// segments, control characters), no links, no case-insensitive duplicates, and bounded sizes.</summary>
    internal static List<ZipEntryRecord> CheckEntries(PackageArchive archive, PackageLimits limits)
    {
        string name = archive.DisplayName;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pluginFiles = new List<ZipEntryRecord>();
        long declaredTotal = 0;
        foreach (ZipEntryRecord e in archive.Entries)
        {
            string? problem = CheckEntryName(e.Name, limits.MaxNameLength);
            if (problem is not null)
            {
                throw PackageArchive.Refuse(name, $"entry '{Printable(e.Name)}' {problem}");
            }
            if (e.IsSymbolicLink)
            {
                throw PackageArchive.Refuse(name, $"entry '{e.Name}' is a symbolic link; links are not allowed");
            }
            if (!seen.Add(e.Name.TrimEnd('/')))
            {
                throw PackageArchive.Refuse(name, $"entry '{e.Name}' appears twice (names are compared ignoring case)");
            }
            if (e.UncompressedSize > limits.MaxEntryBytes)
            {
                throw PackageArchive.Refuse(name, $"entry '{e.Name}' is larger than {limits.MaxEntryBytes} bytes");
            }
            if (e.UncompressedSize > 1024 * 1024 && e.UncompressedSize > limits.MaxCompressionRatio * Math.Max(1, e.CompressedSize))
            {
                throw PackageArchive.Refuse(name, $"entry '{e.Name}' compresses more than {limits.MaxCompressionRatio}:1 (zip bomb?)");
            }
            declaredTotal += e.UncompressedSize;
            if (declaredTotal > limits.MaxTotalBytes)
            {
                throw PackageArchive.Refuse(name, $"unpacks to more than {limits.MaxTotalBytes} bytes");
            }
            if (!e.IsDirectory && e.Name.StartsWith(PluginFolder, StringComparison.Ordinal))
            {
                pluginFiles.Add(e);
            }
        }
        return pluginFiles;
    }

    /// <summary>Null when <paramref name="entryName"/> is a safe relative zip name; otherwise what is wrong with it.</summary>
    internal static string? CheckEntryName(string entryName, int maxLength)
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

    internal static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes, string displayName)
    {
        if (entry.Length > maxBytes)
        {
            throw PackageArchive.Refuse(displayName, $"entry '{entry.FullName}' is larger than {maxBytes} bytes");
        }
        var buffer = new byte[entry.Length];
        try
        {
            using Stream s = entry.Open();
            int read = 0;
            while (read < buffer.Length)
            {
                int n = s.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            if (read != buffer.Length || s.ReadByte() != -1)
            {
                throw PackageArchive.Refuse(displayName, $"entry '{entry.FullName}' does not match its declared size");
            }
        }
        catch (InvalidDataException e)
        {
            throw PackageArchive.Refuse(displayName, $"entry '{entry.FullName}' is corrupt ({e.Message})");
        }
        return buffer;
    }

    private static void CheckNuspec(ZipArchive zip, PluginManifest manifest, string displayName)
    {
        ZipArchiveEntry? nuspec = null;
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            if (!e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            {
                if (nuspec is not null)
                {
                    throw PackageArchive.Refuse(displayName, "package has more than one .nuspec");
                }
                nuspec = e;
            }
        }
        if (nuspec is null)
        {
            throw PackageArchive.Refuse(displayName, "package has no .nuspec at its root");
        }
        byte[] xml = ReadEntry(nuspec, 1024 * 1024, displayName);
        string? id = null, version = null;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 4 * 1024 * 1024 };
            using var reader = XmlReader.Create(new MemoryStream(xml), settings);
            var doc = new XmlDocument { XmlResolver = null };
            doc.Load(reader);
            foreach (XmlNode node in doc.DocumentElement?.ChildNodes ?? throw new XmlException("empty document"))
            {
                if (node.LocalName != "metadata")
                {
                    continue;
                }
                foreach (XmlNode m in node.ChildNodes)
                {
                    if (m.LocalName == "id")
                    {
                        id = m.InnerText.Trim();
                    }
                    else if (m.LocalName == "version")
                    {
                        version = m.InnerText.Trim();
                    }
                }
            }
        }
        catch (XmlException e)
        {
            throw PackageArchive.Refuse(displayName, $"malformed .nuspec ({e.Message})");
        }
        if (!string.Equals(id, manifest.Id, StringComparison.OrdinalIgnoreCase) || !string.Equals(version, manifest.Version, StringComparison.OrdinalIgnoreCase))
        {
            throw PackageArchive.Refuse(displayName,
                $"manifest says {manifest.Id} {manifest.Version} but the package is {id} {version}");
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
}
