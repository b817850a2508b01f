using System.CommandLine;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using InvarLock.Cli.Commands;
using InvarLock.Sdk.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli.Tests.Plugins;

/// <summary>Runs the plugins and doctor commands the way <c>CliApp.Run</c> does (same composition root, same error
/// mapping), with an injected environment and a temporary InvarLock home; deleted on dispose.</summary>
internal sealed class PluginCliHarness : IDisposable
{
    public PluginCliHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), $"invarlock-cli-plugins-{Guid.NewGuid():N}");
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }

    public string Home { get; }

    public string PluginsDirectory => Path.Combine(Home, "plugins");

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public (int Exit, string Out, string Error) Run(params string[] args) =>
        CliRun.Invoke(new Dictionary<string, string?>(Environment) { ["INVARLOCK_HOME"] = Home }, args);

    /// <summary>Writes a small signed plugin package (manifest + nuspec + a placeholder assembly) and returns its path.</summary>
    public string WriteSignedPackage(X509Certificate2 signer, string id = "Acme.Guards", string guard = "acme_guard", string sdkVersion = "1.0")
    {
        byte[] unsigned;
        using (var ms = new MemoryStream())
        {
            using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            {
                Add(zip, $"{id}.nuspec", $"<?xml version=\"1.0\"?><package><metadata><id>{id}</id><version>1.0.0</version></metadata></package>");
                Add(zip, "plugin/invarlock-plugin.json",
                    $"{{\"id\":\"{id}\",\"version\":\"1.0.0\",\"sdkVersion\":\"{sdkVersion}\",\"assembly\":\"{id}.dll\",\"provides\":[{{\"kind\":\"guard\",\"name\":\"{guard}\"}}]}}");
                Add(zip, $"plugin/{id}.dll", "not really an assembly");
            }
            unsigned = ms.ToArray();
        }
        string path = Path.Combine(Root, $"{id}.1.0.0.nupkg");
        File.WriteAllBytes(path, Core.Tests.Plugins.PackageSigner.Sign(unsigned, signer));
        return path;
    }

    public static X509Certificate2 Certificate(string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static string Fingerprint(X509Certificate2 cert) => Convert.ToHexString(SHA256.HashData(cert.RawData));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using Stream s = zip.CreateEntry(name).Open();
        s.Write(Encoding.UTF8.GetBytes(text));
    }
}
