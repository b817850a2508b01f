using System.IO.Compression;
using System.Text;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;

namespace InvarLock.Fuzz.Targets;

/// <summary>A plugin package (.nupkg) through the CLI's two entry points: <c>plugins verify</c>
/// (<see cref="PluginSignatureVerifier.Verify(byte[], string, TrustStore?)"/>) and <c>plugins install</c>
/// (<see cref="PluginInstaller.Install(byte[], string, bool)"/> with an empty trust store): zip structure, entry names and
/// sizes, NuGet's package reader and signature parsing, the nuspec and the plugin manifest.</summary>
internal sealed class PluginPackageTarget : IFuzzTarget
{
    private const string DisplayName = "fuzz.nupkg";

    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "package";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string folder = FuzzWorkspace.CleanFolder(Name);
        _ = PluginSignatureVerifier.Verify(input, DisplayName);
        var trust = new TrustStore(Path.Combine(folder, "trust.json"));
        var installer = new PluginInstaller(Path.Combine(folder, "plugins"), trust);
        _ = installer.Install(input, DisplayName);
    }

    public void WriteSeeds(string folder)
    {
        const string Id = "Acme.FuzzSeed";
        byte[] nuspec = Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{Id}</id><version>1.0.0</version><authors>t</authors><description>d</description></metadata></package>");
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"id\":\"{Id}\",\"version\":\"1.0.0\",\"sdkVersion\":\"1.0\",\"assembly\":\"{Id}.dll\",\"provides\":[{{\"kind\":\"guard\",\"name\":\"acme_guard\"}}]}}");
        (string, byte[])[] entries = [($"{Id}.nuspec", nuspec), ("plugin/invarlock-plugin.json", manifest), ($"plugin/{Id}.dll", [1, 2, 3, 4])];
        File.WriteAllBytes(Path.Combine(folder, "unsigned-stored.nupkg"), Zip(entries, CompressionLevel.NoCompression));
        File.WriteAllBytes(Path.Combine(folder, "unsigned-deflated.nupkg"), Zip(entries, CompressionLevel.Optimal));
        File.WriteAllBytes(Path.Combine(folder, "fake-signature.nupkg"),
            Zip([.. entries, (".signature.p7s", Encoding.ASCII.GetBytes("0\u0082not a CMS blob"))], CompressionLevel.NoCompression));
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in entries)
            {
                using Stream s = zip.CreateEntry(name, level).Open();
                s.Write(data);
            }
        }
        return buffer.ToArray();
    }
}
