using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;
using Moq;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Two plugins that depend on different versions of the same private library load side by side: the
/// weight-norm drift plugin ships Contoso.NormMath 1.0.0.0 (absolute relative drift) and the NormDriftV2 plugin ships
/// Contoso.NormMath 2.0.0.0 (signed relative drift, plus a <c>Marker</c> member version 1 lacks). Both assemblies have
/// the same name and file name; each plugin's load context resolves its own copy.</summary>
[Collection(SamplePluginCollection.Name)]
public sealed class DependencyVersionIsolationTests(SamplePluginFixture fixture) : IDisposable
{
    private const string V1Guard = "weight_norm_drift";
    private const string V2Guard = "signed_norm_drift";
    private const string NormMath = "Contoso.NormMath";

    // FakeParameterStore.Toy(scale) multiplies every element of layers.1.weight by the scale, which multiplies its
    // Frobenius norm by exactly that factor: 0.8 shrinks it by 20 %. Float32 data, double accumulation: 1e-5 is ample.
    private const float ShrinkScale = 0.8f;
    private const double ExpectedShrink = 0.2;
    private const int DriftDigits = 5;

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Install_BothPlugins_EachFolderHoldsSameNamedNormMathWithItsOwnAssemblyVersion()
    {
        InstallBoth();

        AssemblyName v1 = AssemblyName.GetAssemblyName(InstalledFile(TestPackages.SampleId, "1.0.0", "Contoso.NormMath.dll"));
        AssemblyName v2 = AssemblyName.GetAssemblyName(InstalledFile(SamplePluginFixture.NormDriftV2Id, "2.0.0", "Contoso.NormMath.dll"));

        Assert.Equal(NormMath, v1.Name);
        Assert.Equal(NormMath, v2.Name);
        Assert.Equal(new Version(1, 0, 0, 0), v1.Version);
        Assert.Equal(new Version(2, 0, 0, 0), v2.Version);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadInto_TwoPluginsWithDifferentNormMathVersions_EachGuardRunsAgainstItsOwnVersion(bool v2UsedFirst)
    {
        InstallBoth();
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);

        IReadOnlyList<PluginInspection> statuses = host.LoadInto(registry);

        Assert.Equal(2, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(PluginStatus.Enabled, s.Status));
        IGuard v1 = registry.CreateGuard(V1Guard);
        IGuard v2 = registry.CreateGuard(V2Guard);
        // The first guard to touch NormMath loads its copy; the order must not matter.
        (GuardOutcome V1, GuardOutcome V2) outcomes;
        if (v2UsedFirst)
        {
            outcomes.V2 = Run(v2);
            outcomes.V1 = Run(v1);
        }
        else
        {
            outcomes.V1 = Run(v1);
            outcomes.V2 = Run(v2);
        }

        // Version 2 reports itself: assembly version 2.x, its marker, loaded in the NormDriftV2 plugin's context.
        Assert.Equal(2, outcomes.V2.Metrics["normmath_major"]);
        Assert.Equal("2.0.0.0", (string?)outcomes.V2.Details!["normmath_version"]);
        Assert.Equal("Contoso.NormMath 2", (string?)outcomes.V2.Details["normmath_marker"]);
        Assert.Equal(SamplePluginFixture.NormDriftV2Id, (string?)outcomes.V2.Details["normmath_load_context"]);
        // Version 2's breaking change: the drift is signed, so a 20 % shrink reads −0.2 ...
        Assert.Equal(-ExpectedShrink, outcomes.V2.Metrics["most_negative_drift"], DriftDigits);
        Assert.Equal(-ExpectedShrink, Assert.Single(outcomes.V2.Violations).Value!.Value, DriftDigits);
        // ... while the version-1 guard still gets version 1's absolute drift, +0.2 (bound to 2.0 it would read −0.2,
        // stay under the limit and pass).
        Assert.False(outcomes.V1.Passed);
        Assert.Equal(ExpectedShrink, outcomes.V1.Metrics["max_relative_drift"], DriftDigits);
        GuardViolation v1Violation = Assert.Single(outcomes.V1.Violations);
        Assert.Equal("layers.1.weight", v1Violation.Module);
        Assert.Equal(ExpectedShrink, v1Violation.Value!.Value, DriftDigits);
        // And the version-1 guard's own context holds NormMath 1.0.0.0.
        Assembly v1NormMath = NormMathOf(v1);
        Assert.Equal(new Version(1, 0, 0, 0), v1NormMath.GetName().Version);
        Assert.Null(v1NormMath.GetType("Contoso.NormMath.Norms", throwOnError: true)!.GetProperty("Marker"));
    }

    [Fact]
    public void LoadInto_TwoPluginsWithDifferentNormMathVersions_EachVersionLivesOnlyInItsPluginsLoadContext()
    {
        InstallBoth();
        var registry = new PluginRegistry();
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.LoadInto(registry);
        IGuard v1 = registry.CreateGuard(V1Guard);
        IGuard v2 = registry.CreateGuard(V2Guard);
        Run(v1);
        Run(v2);

        AssemblyLoadContext v1Context = AssemblyLoadContext.GetLoadContext(v1.GetType().Assembly)!;
        AssemblyLoadContext v2Context = AssemblyLoadContext.GetLoadContext(v2.GetType().Assembly)!;
        Assembly v1NormMath = NormMathOf(v1);
        Assembly v2NormMath = NormMathOf(v2);

        Assert.NotSame(v1Context, v2Context);
        // McMaster.NETCore.Plugins names a plugin's load context after its main assembly.
        Assert.Equal(TestPackages.SampleId, v1Context.Name);
        Assert.Equal(SamplePluginFixture.NormDriftV2Id, v2Context.Name);
        Assert.Same(v1Context, AssemblyLoadContext.GetLoadContext(v1NormMath));
        Assert.Same(v2Context, AssemblyLoadContext.GetLoadContext(v2NormMath));
        Assert.NotSame(v1NormMath, v2NormMath);
        Assert.Equal(new Version(1, 0, 0, 0), v1NormMath.GetName().Version);
        Assert.Equal(new Version(2, 0, 0, 0), v2NormMath.GetName().Version);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == NormMath);
        // The same method, called through each context's copy, behaves as that version does.
        Assert.Equal(ExpectedShrink, RelativeDrift(v1NormMath, 1.0, 0.8), DriftDigits);
        Assert.Equal(-ExpectedShrink, RelativeDrift(v2NormMath, 1.0, 0.8), DriftDigits);
    }

    /// <summary>Prepares on the toy model and validates on its copy whose second layer shrank by 20 %.</summary>
    private static GuardOutcome Run(IGuard guard)
    {
        guard.Prepare(Context(FakeParameterStore.Toy()));
        return guard.Validate(Context(FakeParameterStore.Toy(scale: ShrinkScale)));
    }

    /// <summary>The Contoso.NormMath loaded in the guard's plugin context (after the guard has run).</summary>
    private static Assembly NormMathOf(IGuard guard)
    {
        AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(guard.GetType().Assembly)!;
        return Assert.Single(context.Assemblies, a => a.GetName().Name == NormMath);
    }

    private static double RelativeDrift(Assembly normMath, double baseline, double subject)
    {
        MethodInfo method = normMath.GetType("Contoso.NormMath.Norms", throwOnError: true)!.GetMethod("RelativeDrift")!;
        return (double)method.Invoke(null, [baseline, subject, 1e-12])!;
    }

    private void InstallBoth()
    {
        using PluginHost host = _sandbox.Host(allowThirdParty: true);
        host.Trust.Add(fixture.VendorFingerprint, "Contoso");
        host.Installer.Install(fixture.SignedPackage, $"{TestPackages.SampleId}.1.0.0.nupkg");
        host.Installer.Install(fixture.NormDriftV2SignedPackage, $"{SamplePluginFixture.NormDriftV2Id}.2.0.0.nupkg");
    }

    private string InstalledFile(string id, string version, string file) =>
        Path.Combine(_sandbox.PluginsDirectory, id.ToLowerInvariant(), version, "files", file);

    private static GuardContext Context(FakeParameterStore parameters)
    {
        var model = new Mock<IModel>();
        model.SetupGet(m => m.Parameters).Returns(parameters);
        using JsonDocument policy = JsonDocument.Parse(Encoding.UTF8.GetBytes("{}"));
        return new GuardContext(model.Object, policy.RootElement.Clone(), [], new GuardRunInfo("balanced", "ci", null, 42));
    }
}
