using System.Text.Json.Nodes;
using InvarLock.Core.Tests.Plugins;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.PluginRuns;

/// <summary>The sample third-party guard (tests/plugins, packed by dotnet pack and signed) in a real evaluation.</summary>
[Trait("Category", "Slow")]
[Collection(SamplePluginCollection.Name)]
public sealed class ThirdPartyGuardEvaluationTests(SamplePluginFixture sample) : IDisposable
{
    private static readonly string[] Plan = ["--seq-len", "32", "--preview-n", "8", "--final-n", "8", "--edit", "noop",
        "--policy", "guard_order=[invariants, weight_norm_drift, invariants]"];
    private readonly TempFolder _temp = new("invarlock-cli-plugin-run");

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string?> Environment(bool allowThirdParty) => new()
    {
        ["INVARLOCK_HOME"] = _temp.Combine("home"),
        ["INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS"] = allowThirdParty ? "1" : null,
    };

    private void InstallTrusted()
    {
        string package = _temp.Combine("sample.nupkg");
        File.WriteAllBytes(package, sample.SignedPackage);
        var trust = CliRun.Invoke(Environment(true), "plugins", "trust", "add", sample.VendorFingerprint, "--name", "Contoso");
        Assert.True(trust.Exit == 0, trust.Error);
        var install = CliRun.Invoke(Environment(true), "plugins", "install", package);
        Assert.True(install.Exit == 0, install.Out + install.Error);
    }

    [Fact]
    public void Evaluate_SignedTrustedPlugin_GuardRunsAndReportRecordsIt()
    {
        InstallTrusted();
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(Environment(true), ["evaluate", "--baseline", baseline, .. Plan, "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
        JsonNode guard = report["guards"]!.AsArray().First(g => g!["name"]!.GetValue<string>() == "weight_norm_drift")!;
        Assert.True(guard["passed"]!.GetValue<bool>());
        Assert.Equal(TestPackages.SampleId, guard["source"]!.GetValue<string>());
        JsonNode plugin = report["plugins"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == "weight_norm_drift")!;
        Assert.Equal(sample.VendorFingerprint, plugin["signer_fingerprint"]!.GetValue<string>());
        Assert.Equal(0, CliRun.Invoke("verify", Path.Combine(outDir, "evaluation.report.json")).Exit);
    }

    [Theory]
    [InlineData("guards.weight_norm_drift.max_relative_drift=0", "guards.weight_norm_drift.max_relative_drift: 0 is outside (0, inf]")]
    [InlineData("guards.weight_norm_drift.max_relative_drift=lots", "guards.weight_norm_drift.max_relative_drift: \"lots\" is outside (0, inf]")]
    [InlineData("guards.weight_norm_drift.max_drift=0.1", "guards.weight_norm_drift.max_drift: unknown key; valid keys under guards.weight_norm_drift: max_relative_drift")]
    public void Evaluate_PluginPolicyBadValue_ExitsTwoWithInvalidPolicyNamingTheKey(string assignment, string message)
    {
        InstallTrusted();
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(Environment(true),
            ["evaluate", "--baseline", baseline, .. Plan, "--policy", assignment, "--out", outDir]);

        // A bad value is the user's policy error (IL1002, exit 2) found before any model loads, not a guard crash (exit 3).
        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL1002", line);
        Assert.Contains(message, line);
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
    }

    [Fact]
    public void Evaluate_PluginWithoutEnvironmentFlag_IsRefusedSayingHowToEnable()
    {
        InstallTrusted();
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);

        var (exit, _, stderr) = CliRun.Invoke(Environment(false), ["evaluate", "--baseline", baseline, .. Plan, "--out", _temp.Combine("out")]);

        Assert.Equal(2, exit);
        Assert.Contains("INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS", stderr);
        Assert.False(File.Exists(_temp.Combine("out", "evaluation.report.json")));
    }
}
