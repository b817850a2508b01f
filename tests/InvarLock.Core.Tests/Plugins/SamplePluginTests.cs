using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;
using Moq;
using Xunit.Abstractions;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>The sample third-party plugin (a weight-norm drift guard with a private dependency), packed by
/// <c>dotnet pack</c>, signed, installed and loaded through the plugin host.</summary>
[Collection(SamplePluginCollection.Name)]
public sealed class SamplePluginTests(SamplePluginFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string GuardName = "weight_norm_drift";
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Pack_SamplePlugin_PackageHoldsPluginFolderWithoutSdk()
    {
        var names = TestPackages.Read(fixture.UnsignedPackage).ConvertAll(e => e.Name);

        Assert.Contains("plugin/invarlock-plugin.json", names);
        Assert.Contains("plugin/Contoso.InvarLock.WeightNormDrift.dll", names);
        Assert.Contains("plugin/Contoso.NormMath.dll", names);
        Assert.Contains("plugin/Contoso.InvarLock.WeightNormDrift.deps.json", names);
        Assert.DoesNotContain(names, n => n.EndsWith("InvarLock.Sdk.dll", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void LoadInto_SignedTrustedAndEnabled_GuardRunsAndEntryCarriesSigner()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        IReadOnlyList<PluginInspection> statuses = host.LoadInto(registry);

        Assert.Equal(PluginStatus.Enabled, Assert.Single(statuses).Status);
        Assert.True(registry.TryGetEntry(PluginKind.Guard, GuardName, out PluginEntry entry));
        Assert.Equal(TestPackages.SampleId, entry.Source.Package);
        Assert.Equal("1.0.0", entry.Source.PackageVersion);
        Assert.Equal(fixture.VendorFingerprint, entry.SignerFingerprint);
        Assert.Equal(new Version(1, 0, 0), entry.Version);
        Assert.Equal(PluginStatus.Enabled, entry.Status);

        IGuard guard = registry.CreateGuard(GuardName);
        guard.Prepare(Context(FakeParameterStore.Toy()));
        GuardOutcome same = guard.Validate(Context(FakeParameterStore.Toy()));
        GuardOutcome drifted = guard.Validate(Context(FakeParameterStore.Toy(scale: 1.2f)));

        Assert.True(same.Passed);
        Assert.Equal(0.0, same.Metrics["max_relative_drift"], 12);
        Assert.Equal(2, same.Metrics["weights_checked"]);
        Assert.False(drifted.Passed);
        Assert.Equal(GuardAction.Abort, drifted.Action);
        GuardViolation v = Assert.Single(drifted.Violations);
        Assert.Equal("layers.1.weight", v.Module);
        Assert.Equal(0.2, v.Value!.Value, 5); // scaling every element by 1.2 scales the Frobenius norm by 1.2 exactly
    }

    [Fact]
    public void LoadInto_PluginTypes_ShareSdkButKeepPrivateDependencyInOwnContext()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.LoadInto(registry);

        IGuard guard = registry.CreateGuard(GuardName);
        guard.Prepare(Context(FakeParameterStore.Toy())); // first use of the private dependency loads it
        AssemblyLoadContext pluginContext = AssemblyLoadContext.GetLoadContext(guard.GetType().Assembly)!;

        Assert.NotSame(AssemblyLoadContext.Default, pluginContext);
        Assert.True(pluginContext.IsCollectible);
        Assert.Contains(pluginContext.Assemblies, a => a.GetName().Name == "Contoso.NormMath");
        Assert.DoesNotContain(pluginContext.Assemblies, a => a.GetName().Name == "InvarLock.Sdk");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "Contoso.NormMath");
    }

    [Fact]
    public void LoadInto_WithoutEnvironmentFlag_ListedDisabledAndNamingItExplainsHowToEnable()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: false);

        PluginInspection status = Assert.Single(host.LoadInto(registry));

        Assert.Equal(PluginStatus.Disabled, status.Status);
        Assert.Empty(host.Loaded);
        PluginEntry entry = Assert.Single(registry.Entries);
        Assert.Equal("installed, disabled (INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS not set)", entry.StatusText);
        var e = Assert.Throws<InvarLockException>(() => registry.CreateGuard(GuardName));
        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Contains("INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS=1", e.Message);
        Assert.Contains(TestPackages.SampleId, e.Message);
    }

    [Fact]
    public void Install_UnsignedPackage_Refused()
    {
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(fixture.PackagePath));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Contains("not signed", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_sandbox.PluginsDirectory, TestPackages.SampleId.ToLowerInvariant())));
    }

    [Fact]
    public void Install_SignedByUntrustedCertificate_RefusedWithTrustCommand()
    {
        byte[] strangerSigned = PackageSigner.Sign(fixture.UnsignedPackage, fixture.StrangerCertificate);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(strangerSigned, "stranger.nupkg"));

        string strangerFingerprint = PluginSignatureVerifier.Fingerprint(fixture.StrangerCertificate);
        Assert.Contains("is not on the trust list", e.Message);
        Assert.Contains($"invarlock plugins trust add {strangerFingerprint}", e.Message);
    }

    [Fact]
    public void LoadInto_SignerRemovedFromTrustListAfterInstall_Refused()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        Assert.True(host.Trust.Remove(fixture.VendorFingerprint));

        PluginInspection status = Assert.Single(host.LoadInto(registry));

        Assert.Equal(PluginStatus.Refused, status.Status);
        Assert.Contains("not on the trust list", status.Reason);
        var e = Assert.Throws<InvarLockException>(() => registry.CreateGuard(GuardName));
        Assert.Contains("was refused", e.Message);
    }

    [Theory]
    [InlineData("Contoso.NormMath.dll")]
    [InlineData("Contoso.InvarLock.WeightNormDrift.dll")]
    [InlineData("Contoso.InvarLock.WeightNormDrift.deps.json")]
    [InlineData("invarlock-plugin.json")]
    public void LoadInto_OneByteOfInstalledFileChanged_Refused(string file)
    {
        InstallTrusted(fixture.SignedPackage);
        string path = Path.Combine(InstalledDirectory(), "files", file);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        PluginInspection status = Assert.Single(host.LoadInto(registry));

        Assert.Equal(PluginStatus.Refused, status.Status);
        Assert.Contains($"file '{file}' changed since install", status.Reason);
        Assert.Empty(host.Loaded);
        Assert.Equal(PluginStatus.Refused, Assert.Single(host.Inspect()).Status);
    }

    [Fact]
    public void LoadInto_InstallRecordEditedToMatchTamperedFile_Refused()
    {
        InstallTrusted(fixture.SignedPackage);
        string dir = InstalledDirectory();
        string dll = Path.Combine(dir, "files", "Contoso.NormMath.dll");
        byte[] bytes = File.ReadAllBytes(dll);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(dll, bytes);
        string recordPath = Path.Combine(dir, InstallRecord.FileName);
        string record = File.ReadAllText(recordPath);
        var installed = InstallRecord.Parse(record, recordPath);
        string oldHash = installed.Files.Single(f => f.Path == "Contoso.NormMath.dll").Sha256;
        string newHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        File.WriteAllText(recordPath, record.Replace(oldHash, newHash, StringComparison.Ordinal));
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        PluginInspection status = Assert.Single(host.LoadInto(new PluginRegistry()));

        Assert.Equal(PluginStatus.Refused, status.Status);
        Assert.Contains("does not match the signed package", status.Reason);
    }

    [Fact]
    public void LoadInto_FileAddedToPluginFolder_Refused()
    {
        InstallTrusted(fixture.SignedPackage);
        File.WriteAllBytes(Path.Combine(InstalledDirectory(), "files", "Evil.dll"), [0x4d, 0x5a]);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        PluginInspection status = Assert.Single(host.LoadInto(new PluginRegistry()));

        Assert.Equal(PluginStatus.Refused, status.Status);
        Assert.Contains("'Evil.dll' was added after install", status.Reason);
    }

    [Theory]
    [InlineData("2.0", "major versions differ")]
    [InlineData("1.9", "newer than the host SDK")]
    [InlineData("0.9", "major versions differ")]
    public void Install_IncompatibleSdkVersion_Refused(string sdkVersion, string reason)
    {
        byte[] package = fixture.Sign(TestPackages.Relabel(fixture.UnsignedPackage, sdkVersion: sdkVersion));
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(package, "incompatible.nupkg"));

        Assert.Contains("incompatible", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void LoadInto_TwoPluginsWithSameGuardName_ErrorNamesBothPackages()
    {
        InstallTrusted(fixture.SignedPackage);
        using (PluginHost installer = _sandbox.Host(allowThirdParty: true))
        {
            installer.Installer.Install(fixture.Sign(TestPackages.Relabel(fixture.UnsignedPackage, newId: "Fabrikam.NormDrift")), "fabrikam.nupkg");
        }
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        var e = Assert.ThrowsAny<InvarLockException>(() => host.LoadInto(new PluginRegistry()));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Contains($"duplicate guard '{GuardName}'", e.Message);
        Assert.Contains(TestPackages.SampleId, e.Message);
        Assert.Contains("Fabrikam.NormDrift", e.Message);
    }

    [Fact]
    public void LoadInto_NameTakenByFirstPartyGuard_ErrorNamesBothSources()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        var firstParty = new Mock<IPluginModule>();
        firstParty.Setup(m => m.Register(It.IsAny<IPluginRegistrar>()))
            .Callback<IPluginRegistrar>(r => r.AddGuard(new Sdk.PluginDescriptor(GuardName, new Version(1, 0), "built in"), () => Mock.Of<IGuard>()));
        registry.Register(firstParty.Object, PluginSource.FirstParty);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        var e = Assert.ThrowsAny<InvarLockException>(() => host.LoadInto(registry));

        Assert.Contains($"registered by first-party and again by {TestPackages.SampleId}", e.Message);
    }

    [Fact]
    public void Guard_ThrowsInsidePlugin_CallerCatchesAndHostKeepsWorking()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.LoadInto(registry);
        IGuard guard = registry.CreateGuard(GuardName);

        GuardOutcome unprepared = guard.Validate(Context(FakeParameterStore.Toy()));
        Exception badPolicy = Record.Exception(() =>
            registry.CreateGuard(GuardName).Prepare(Context(FakeParameterStore.Toy(), """{"max_relative_drift": -1}""")));

        // The sample derives from the SDK's GuardBase: validating unprepared fails closed, a bad value is IL1002.
        Assert.False(unprepared.Passed);
        Assert.Equal(GuardAction.Abort, unprepared.Action);
        Assert.Equal(GuardBase<double>.NotPreparedCode, Assert.Single(unprepared.Violations).Code);
        var invalid = Assert.IsType<InvarLockException>(badPolicy);
        Assert.Equal(ErrorCodes.InvalidPolicy, invalid.Code);
        Assert.Contains($"guards.{GuardName}.max_relative_drift: -1 is outside", invalid.Message);
        IGuard fresh = registry.CreateGuard(GuardName);
        fresh.Prepare(Context(FakeParameterStore.Toy()));
        Assert.True(fresh.Validate(Context(FakeParameterStore.Toy())).Passed);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void LoadAndUnload_FiftyTimes_LeavesNoLoadContextAlive()
    {
        InstallTrusted(fixture.SignedPackage);
        var contexts = new List<WeakReference>();
        Stopwatch clock = Stopwatch.StartNew();

        for (int i = 0; i < 50; i++)
        {
            contexts.Add(LoadRunAndUnload());
        }
        double perCycleMs = clock.Elapsed.TotalMilliseconds / 50;
        output.WriteLine($"load (NuGet signature check, hashing, snapshot, PluginLoader) + run + unload: {perCycleMs:F1} ms per cycle");
        for (int i = 0; i < 20 && contexts.Exists(c => c.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.DoesNotContain(contexts, c => c.IsAlive);
        Assert.True(perCycleMs < 2000, $"one load/run/unload cycle took {perCycleMs:F0} ms");
    }

    [Fact]
    public void LoadInto_InstalledDependencyReplacedAfterTheCheck_GuardStillRunsTheVerifiedBytes()
    {
        InstallTrusted(fixture.SignedPackage);
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.LoadInto(registry);
        // The private dependency loads lazily, on the guard's first use; swap the installed copy before that.
        string installed = Path.Combine(InstalledDirectory(), "files", "Contoso.NormMath.dll");
        byte[] verified = File.ReadAllBytes(installed);
        File.WriteAllBytes(installed, [0x4d, 0x5a, 0, 0]);

        IGuard guard = registry.CreateGuard(GuardName);
        guard.Prepare(Context(FakeParameterStore.Toy()));

        Assert.True(guard.Validate(Context(FakeParameterStore.Toy())).Passed);
        string snapshot = Assert.Single(host.SnapshotDirectories);
        Assert.Equal(verified, File.ReadAllBytes(Path.Combine(snapshot, "Contoso.NormMath.dll")));
        Assert.False(snapshot.StartsWith(_sandbox.Root, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(snapshot));
        }
    }

    [Fact]
    public void Dispose_AfterLoading_DeletesTheSnapshotFolder()
    {
        InstallTrusted(fixture.SignedPackage);
        PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.LoadInto(new PluginRegistry());
        string snapshot = Assert.Single(host.SnapshotDirectories);
        Assert.True(Directory.Exists(snapshot));

        host.Dispose();

        Assert.False(Directory.Exists(snapshot));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void DotnetNugetVerify_SignedSamplePackages_Accepted()
    {
        foreach ((string name, byte[] package) in new[]
        {
            ($"{TestPackages.SampleId}.1.0.0.nupkg", fixture.SignedPackage),
            ($"{SamplePluginFixture.NormDriftV2Id}.2.0.0.nupkg", fixture.NormDriftV2SignedPackage),
        })
        {
            string path = Path.Combine(_sandbox.Root, name);
            File.WriteAllBytes(path, package);

            string output = DotnetNugetVerify.Run(_sandbox.Root, path, fixture.VendorCertificate);

            Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Inspect_WithoutLoading_ReportsEnabledAndLoadsNoCode()
    {
        InstallTrusted(fixture.SignedPackage);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        PluginInspection status = Assert.Single(host.Inspect());

        Assert.Equal(PluginStatus.Enabled, status.Status);
        Assert.Equal(fixture.VendorFingerprint, status.SignerFingerprint);
        Assert.Equal(new PluginProvision(PluginKind.Guard, GuardName), Assert.Single(status.Provides));
        Assert.Empty(host.Loaded);
    }

    [Fact]
    public void Install_SameIdTwice_RefusedUnlessReplace()
    {
        InstallTrusted(fixture.SignedPackage);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        var e = Assert.Throws<InvarLockException>(() => host.Installer.Install(fixture.SignedPackage, "again.nupkg"));
        InstallRecord replaced = host.Installer.Install(fixture.SignedPackage, "again.nupkg", replace: true);

        Assert.Contains("already installed", e.Message);
        Assert.Equal(TestPackages.SampleId, replaced.Id);
        Assert.Single(host.Installer.ListInstalled());
        Assert.DoesNotContain(Directory.GetDirectories(_sandbox.PluginsDirectory), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Theory]
    [InlineData("Contoso.InvarLock.WeightNormDrift")]
    [InlineData("contoso.invarlock.weightnormdrift")]
    [InlineData(GuardName)]
    public void Remove_ByIdOrComponentName_DeletesPluginFolder(string name)
    {
        InstallTrusted(fixture.SignedPackage);
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        InstalledPlugin removed = Assert.Single(host.Installer.Remove(name));

        Assert.Equal(TestPackages.SampleId, removed.Id);
        Assert.Empty(host.Installer.ListInstalled());
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
    }

    [Fact]
    public void Install_RecordsEveryFileHashAndKeepsSignedPackage()
    {
        InstallRecord record = InstallTrusted(fixture.SignedPackage);
        string dir = InstalledDirectory();

        Assert.Equal(
            ["Contoso.InvarLock.WeightNormDrift.deps.json", "Contoso.InvarLock.WeightNormDrift.dll", "Contoso.NormMath.dll", "invarlock-plugin.json"],
            record.Files.Select(f => f.Path).ToArray());
        foreach (InstalledFile f in record.Files)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "files", f.Path));
            Assert.Equal(f.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
        Assert.Equal(fixture.SignedPackage, File.ReadAllBytes(Path.Combine(dir, InstalledPlugin.PackageFileName)));
        Assert.Equal(fixture.VendorFingerprint, record.SignerFingerprint);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference LoadRunAndUnload()
    {
        var registry = new PluginRegistry();
        string snapshot;
        WeakReference context;
        using (PluginHost host = _sandbox.Host(allowThirdParty: true))
        {
            host.LoadInto(registry);
            IGuard guard = registry.CreateGuard(GuardName);
            guard.Prepare(Context(FakeParameterStore.Toy()));
            Assert.True(guard.Validate(Context(FakeParameterStore.Toy())).Passed);
            snapshot = Assert.Single(host.SnapshotDirectories);
            context = new WeakReference(AssemblyLoadContext.GetLoadContext(guard.GetType().Assembly));
        }
        Assert.False(Directory.Exists(snapshot));
        return context;
    }

    private InstallRecord InstallTrusted(byte[] package)
    {
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint, "Contoso");
        return host.Installer.Install(package, "Contoso.InvarLock.WeightNormDrift.1.0.0.nupkg");
    }

    private string InstalledDirectory() =>
        Path.Combine(_sandbox.PluginsDirectory, TestPackages.SampleId.ToLowerInvariant(), "1.0.0");

    private static GuardContext Context(FakeParameterStore parameters, string policyJson = "{}")
    {
        var model = new Mock<IModel>();
        model.SetupGet(m => m.Parameters).Returns(parameters);
        using JsonDocument policy = JsonDocument.Parse(Encoding.UTF8.GetBytes(policyJson));
        return new GuardContext(model.Object, policy.RootElement.Clone(), [], new GuardRunInfo("balanced", "ci", null, 42));
    }
}
