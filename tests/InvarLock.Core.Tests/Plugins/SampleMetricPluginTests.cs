using System.Runtime.Loader;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>The sample third-party metric plugin (tests/plugins/WarmPerplexity: <c>ppl_causal_warm</c>, written against
/// the SDK alone), packed by <c>dotnet pack</c>, signed, installed and loaded through the plugin host; refused
/// unsigned or untrusted with the same errors as the sample guard.</summary>
[Collection(SamplePluginCollection.Name)]
public sealed class SampleMetricPluginTests(SamplePluginFixture fixture) : IDisposable
{
    private const string MetricName = "ppl_causal_warm";
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Pack_MetricPlugin_PackageHoldsOnlyItsAssemblyDepsAndManifest()
    {
        var names = TestPackages.Read(fixture.WarmPerplexityUnsignedPackage).ConvertAll(e => e.Name);
        var pluginFiles = names.FindAll(n => n.StartsWith("plugin/", StringComparison.Ordinal));
        pluginFiles.Sort(StringComparer.Ordinal);

        Assert.Equal(["plugin/Contoso.InvarLock.WarmPerplexity.deps.json", "plugin/Contoso.InvarLock.WarmPerplexity.dll",
            "plugin/invarlock-plugin.json"], pluginFiles);
    }

    [Fact]
    public void LoadInto_SignedTrustedAndEnabled_MetricRegisteredInItsOwnContextWithSigner()
    {
        InstallTrusted(fixture.WarmPerplexitySignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        PluginInspection status = Assert.Single(host.LoadInto(registry));

        Assert.Equal(PluginStatus.Enabled, status.Status);
        Assert.True(registry.TryGetEntry(PluginKind.Metric, MetricName, out PluginEntry entry));
        Assert.Equal(SamplePluginFixture.WarmPerplexityId, entry.Source.Package);
        Assert.Equal("1.0.0", entry.Source.PackageVersion);
        Assert.Equal(fixture.VendorFingerprint, entry.SignerFingerprint);
        Assert.Equal(new Version(1, 0, 0), entry.Version);
        IPrimaryMetric metric = registry.GetMetric(MetricName);
        Assert.Equal("causal", metric.Objective);
        AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(metric.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "InvarLock.Sdk");
        // A third-party metric never becomes the default: a causal run without --metric keeps the first-party one.
        registry.Register(new InvarLock.Metrics.MetricsPluginModule(), PluginSource.FirstParty);
        Assert.Equal("ppl_causal", registry.DefaultMetric("causal")!.Descriptor.Name);
    }

    [Fact]
    public void Install_UnsignedMetricPackage_Refused()
    {
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(fixture.WarmPerplexityPackagePath));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Contains("not signed", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_sandbox.PluginsDirectory, SamplePluginFixture.WarmPerplexityId.ToLowerInvariant())));
    }

    [Fact]
    public void Install_MetricSignedByUntrustedCertificate_RefusedWithTrustCommand()
    {
        byte[] strangerSigned = PackageSigner.Sign(fixture.WarmPerplexityUnsignedPackage, fixture.StrangerCertificate);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(strangerSigned, "stranger.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        string strangerFingerprint = PluginSignatureVerifier.Fingerprint(fixture.StrangerCertificate);
        Assert.Contains("is not on the trust list", e.Message);
        Assert.Contains($"invarlock plugins trust add {strangerFingerprint}", e.Message);
    }

    [Fact]
    public void LoadInto_SignerRemovedFromTrustListAfterInstall_MetricRefused()
    {
        InstallTrusted(fixture.WarmPerplexitySignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        Assert.True(host.Trust.Remove(fixture.VendorFingerprint));

        PluginInspection status = Assert.Single(host.LoadInto(registry));

        Assert.Equal(PluginStatus.Refused, status.Status);
        Assert.Contains("not on the trust list", status.Reason);
        var e = Assert.Throws<InvarLockException>(() => registry.GetMetric(MetricName));
        Assert.Contains("was refused", e.Message);
    }

    [Fact]
    public void LoadInto_WithoutEnvironmentFlag_NamingTheMetricExplainsHowToEnable()
    {
        InstallTrusted(fixture.WarmPerplexitySignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: false);

        Assert.Equal(PluginStatus.Disabled, Assert.Single(host.LoadInto(registry)).Status);

        Assert.Empty(host.Loaded);
        var e = Assert.Throws<InvarLockException>(() => registry.GetMetric(MetricName));
        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Contains("INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS=1", e.Message);
        Assert.Contains(SamplePluginFixture.WarmPerplexityId, e.Message);
    }

    private void InstallTrusted(byte[] package)
    {
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint, "Contoso");
        host.Installer.Install(package, $"{SamplePluginFixture.WarmPerplexityId}.1.0.0.nupkg");
    }
}
