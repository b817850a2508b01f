using System.Text.Json.Nodes;
using InvarLock.Core.Tests.Plugins;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.PluginRuns;

/// <summary>The sample third-party metric (tests/plugins/WarmPerplexity: <c>ppl_causal_warm</c>, packed by dotnet pack
/// and signed) selected with <c>--metric</c> in a real evaluation; refused unsigned, untrusted or not enabled.</summary>
[Trait("Category", "Slow")]
[Collection(SamplePluginCollection.Name)]
public sealed class ThirdPartyMetricEvaluationTests(SamplePluginFixture sample) : IDisposable
{
    private const string MetricName = "ppl_causal_warm";
    private const int SequenceLength = 48;
    private static readonly string[] Plan = ["--seq-len", "48", "--preview-n", "8", "--final-n", "8", "--metric", MetricName];
    private readonly TempFolder _temp = new("invarlock-cli-metric-plugin-run");

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string?> Environment(bool allowThirdParty) => new()
    {
        ["INVARLOCK_HOME"] = _temp.Combine("home"),
        ["INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS"] = allowThirdParty ? "1" : null,
    };

    private (int Exit, string Out, string Error) Install(byte[] package, bool trustVendor)
    {
        if (trustVendor)
        {
            var trust = CliRun.Invoke(Environment(true), "plugins", "trust", "add", sample.VendorFingerprint, "--name", "Contoso");
            Assert.True(trust.Exit == 0, trust.Error);
        }
        string path = _temp.Combine($"{SamplePluginFixture.WarmPerplexityId}.1.0.0.nupkg");
        File.WriteAllBytes(path, package);
        return CliRun.Invoke(Environment(true), "plugins", "install", path);
    }

    [Fact]
    public void EvaluateDemo_SignedTrustedMetric_ScoresEveryWindowAndReportRecordsItAndVerifies()
    {
        var install = Install(sample.WarmPerplexitySignedPackage, trustVendor: true);
        Assert.True(install.Exit == 0, install.Out + install.Error);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(Environment(true), ["evaluate", "--demo", .. Plan, "--out", outDir]);

        Assert.True(exit is 0 or 1, $"exit {exit}\n{stdout}\n{stderr}");
        string reportPath = Path.Combine(outDir, "evaluation.report.json");
        JsonObject report = JsonNode.Parse(File.ReadAllText(reportPath))!.AsObject();
        Assert.Equal(MetricName, report["run"]!["primary_metric_kind"]!.GetValue<string>());
        JsonNode plugin = report["plugins"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == MetricName)!;
        Assert.Equal("primary metric", plugin["kind"]!.GetValue<string>());
        Assert.Equal(SamplePluginFixture.WarmPerplexityId, plugin["source"]!.GetValue<string>());
        Assert.Equal(sample.VendorFingerprint, plugin["signer_fingerprint"]!.GetValue<string>());
        // Every window counts len − 1 − min(16, len / 4) predictions: the plugin's loss, not ppl_causal's len − 1.
        int counted = SequenceLength - 1 - Math.Min(16, SequenceLength / 4);
        foreach (string arm in new[] { "preview", "final" })
        {
            JsonObject losses = report["evaluation"]![arm]!.AsObject();
            Assert.All(losses["baseline_token_counts"]!.AsArray(), c => Assert.Equal(counted, c!.GetValue<int>()));
            Assert.All(losses["subject_token_counts"]!.AsArray(), c => Assert.Equal(counted, c!.GetValue<int>()));
        }
        var verify = CliRun.Invoke("verify", reportPath);
        Assert.True(verify.Exit == 0, verify.Out + verify.Error);
    }

    [Fact]
    public void Install_UnsignedMetricPackage_ExitsTwoNotSignedAndNothingInstalled()
    {
        var (exit, _, stderr) = Install(sample.WarmPerplexityUnsignedPackage, trustVendor: true);

        Assert.Equal(2, exit);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL4001", line);
        Assert.Contains("not signed", line);
        Assert.False(Directory.Exists(_temp.Combine("home", "plugins", SamplePluginFixture.WarmPerplexityId.ToLowerInvariant())));
    }

    [Fact]
    public void Install_MetricSignedByUntrustedCertificate_ExitsTwoNamingTheTrustCommand()
    {
        var (exit, _, stderr) = Install(sample.WarmPerplexitySignedPackage, trustVendor: false);

        Assert.Equal(2, exit);
        Assert.StartsWith("error IL4001", stderr);
        Assert.Contains("is not on the trust list", stderr);
        Assert.Contains($"invarlock plugins trust add {sample.VendorFingerprint}", stderr);
    }

    [Fact]
    public void Evaluate_MetricPluginWithoutEnvironmentFlag_IsRefusedSayingHowToEnable()
    {
        var install = Install(sample.WarmPerplexitySignedPackage, trustVendor: true);
        Assert.True(install.Exit == 0, install.Out + install.Error);

        var (exit, _, stderr) = CliRun.Invoke(Environment(false), ["evaluate", "--demo", .. Plan, "--out", _temp.Combine("out")]);

        Assert.Equal(2, exit);
        Assert.Contains("INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS", stderr);
        Assert.Contains(SamplePluginFixture.WarmPerplexityId, stderr);
        Assert.False(File.Exists(_temp.Combine("out", "evaluation.report.json")));
    }
}
