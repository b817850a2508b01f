using System.IO.Compression;
using System.Text;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Builds and rewrites small plugin packages (zip files) in memory.</summary>
internal static class TestPackages
{
    public const string SampleId = "Contoso.InvarLock.WeightNormDrift";

    /// <summary>A minimal package: a nuspec, a manifest and the named extra entries.</summary>
    public static byte[] Minimal(string id = "Acme.Minimal", string version = "1.0.0", string sdkVersion = "1.0",
        IEnumerable<(string Name, byte[] Data)>? extra = null)
    {
        var entries = new List<(string, byte[])>
        {
            ($"{id}.nuspec", Nuspec(id, version)),
            ("plugin/invarlock-plugin.json", Manifest(id, version, sdkVersion, "Acme.Minimal.dll", "acme_guard")),
            ("plugin/Acme.Minimal.dll", [1, 2, 3, 4]),
        };
        if (extra is not null)
        {
            entries.AddRange(extra);
        }
        return Zip(entries);
    }

    public static byte[] Nuspec(string id, string version) => Encoding.UTF8.GetBytes(
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{id}</id><version>{version}</version><authors>t</authors><description>d</description></metadata></package>");

    public static byte[] Manifest(string id, string version, string sdkVersion, string assembly, string guardName) => Encoding.UTF8.GetBytes(
        $"{{\"id\":\"{id}\",\"version\":\"{version}\",\"sdkVersion\":\"{sdkVersion}\",\"assembly\":\"{assembly}\",\"provides\":[{{\"kind\":\"guard\",\"name\":\"{guardName}\"}}]}}");

    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in entries)
            {
                ZipArchiveEntry e = zip.CreateEntry(name, CompressionLevel.Optimal);
                using Stream s = e.Open();
                s.Write(data);
            }
        }
        return ms.ToArray();
    }

    /// <summary>Every entry of a package, in order.</summary>
    public static List<(string Name, byte[] Data)> Read(byte[] package)
    {
        var list = new List<(string, byte[])>();
        using var zip = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        foreach (ZipArchiveEntry e in zip.Entries)
        {
            using Stream s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            list.Add((e.FullName, copy.ToArray()));
        }
        return list;
    }

    /// <summary>A new unsigned package whose entries are <paramref name="transform"/>ed (return null to drop one),
    /// plus <paramref name="add"/>. The signature entry is always dropped.</summary>
    public static byte[] Rewrite(byte[] package, Func<string, byte[], byte[]?>? transform = null,
        IEnumerable<(string Name, byte[] Data)>? add = null)
    {
        var entries = new List<(string, byte[])>();
        foreach ((string name, byte[] data) in Read(package))
        {
            if (name == ".signature.p7s")
            {
                continue;
            }
            byte[]? result = transform is null ? data : transform(name, data);
            if (result is not null)
            {
                entries.Add((name, result));
            }
        }
        if (add is not null)
        {
            entries.AddRange(add);
        }
        return Zip(entries);
    }

    /// <summary>The sample package re-labelled with another id (nuspec, manifest) and optionally another SDK version.</summary>
    public static byte[] Relabel(byte[] package, string? newId = null, string? sdkVersion = null) =>
        Rewrite(package, (name, data) =>
        {
            if (name == "plugin/invarlock-plugin.json")
            {
                string text = Encoding.UTF8.GetString(data);
                if (newId is not null)
                {
                    text = text.Replace($"\"{SampleId}\"", $"\"{newId}\"", StringComparison.Ordinal);
                }
                if (sdkVersion is not null)
                {
                    text = text.Replace("\"sdkVersion\": \"1.0\"", $"\"sdkVersion\": \"{sdkVersion}\"", StringComparison.Ordinal);
                }
                return Encoding.UTF8.GetBytes(text);
            }
            if (name.EndsWith(".nuspec", StringComparison.Ordinal) && newId is not null)
            {
                return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data).Replace($"<id>{SampleId}</id>", $"<id>{newId}</id>", StringComparison.Ordinal));
            }
            return data;
        });
}
