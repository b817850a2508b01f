using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Plugins.Packaging;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Runs <c>dotnet nuget verify --all</c> on a package with a nuget.config that names the test signer as a
/// trusted author. Test certificates are self-signed, so the config sets <c>allowUntrustedRoot</c>: NuGet then
/// checks integrity, the signature and the certificate as it would for any author, except that the root is pinned by
/// fingerprint instead of found in the SDK's bundle of public roots (the same trust model as the plugin host).</summary>
internal static class DotnetNugetVerify
{
    public static string Run(string workingDirectory, string packagePath, X509Certificate2 signer)
    {
        string config = Path.Combine(workingDirectory, $"verify-{Guid.NewGuid():N}.nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <trustedSigners>
                <author name="test-signer">
                  <certificate fingerprint="{PluginSignatureVerifier.Fingerprint(signer)}" hashAlgorithm="SHA256" allowUntrustedRoot="true" />
                </author>
              </trustedSigners>
            </configuration>
            """);
        return SamplePluginFixture.DotNet(workingDirectory, "nuget", "verify", "--all", packagePath, "--configfile", config);
    }
}
