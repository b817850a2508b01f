using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Metrics;

/// <summary>KL divergence and top-1 agreement end to end: in the report, console, JSON and Markdown, gateable by policy,
/// and recomputed by <c>verify</c>.</summary>
public sealed class TokenComparisonCliTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "6", "--final-n", "6"];
    private readonly TempFolder _temp = new("invarlock-cli-kl");

    public void Dispose() => _temp.Dispose();

    private static JsonObject Report(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();

    [Fact]
    public void Evaluate_DemoQuantRtn_ReportsKlAndTop1EverywhereAndVerifyPasses()
    {
        string outDir = _temp.Combine("demo");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--demo", .. SmallPlan, "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("KL (final arm)", stdout);
        Assert.Contains("top-1 agreement", stdout);
        JsonObject report = Report(outDir);
        JsonObject tc = report["token_comparison"]!.AsObject();
        JsonObject raw = report["evaluation"]!["final_token_comparison"]!.AsObject();
        Assert.Equal(6, raw["kl_sums"]!.AsArray().Count);
        long tokens = raw["token_counts"]!.AsArray().Sum(t => t!.GetValue<long>());
        Assert.Equal(tokens, tc["tokens"]!.GetValue<long>());
        double mean = tc["kl"]!["mean"]!.GetValue<double>();
        Assert.True(mean > 0 && mean < 1e-2, $"8-bit RTN mean KL {mean}");
        Assert.True(tc["kl"]!["max"]!.GetValue<double>() >= tc["kl"]!["p99"]!.GetValue<double>());
        double agreement = tc["top1"]!["agreement"]!.GetValue<double>();
        Assert.InRange(agreement, 0.9, 1.0);
        Assert.Contains("KL divergence and top-1 agreement", File.ReadAllText(Path.Combine(outDir, "evaluation.report.md")));

        var (verifyExit, verifyOut, verifyErr) = CliRun.Invoke(["verify", Path.Combine(outDir, "evaluation.report.json")]);
        Assert.True(verifyExit == 0, verifyOut + verifyErr);
    }

    [Fact]
    public void Verify_TamperedKlSum_FailsOnTokenComparison()
    {
        string outDir = _temp.Combine("tamper");
        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--demo", .. SmallPlan, "--out", outDir]);
        Assert.True(exit == 0, stdout + stderr);
        string path = Path.Combine(outDir, "evaluation.report.json");
        JsonObject report = Report(outDir);
        JsonArray sums = report["evaluation"]!["final_token_comparison"]!["kl_sums"]!.AsArray();
        sums[0] = sums[0]!.GetValue<double>() * 2 + 1e-3;
        File.WriteAllText(path, report.ToJsonString());

        var (verifyExit, verifyOut, verifyErr) = CliRun.Invoke(["verify", path]);

        Assert.NotEqual(0, verifyExit);
        Assert.Contains("token_comparison", verifyOut + verifyErr);
    }

    [Fact]
    public void Evaluate_KlLimitBelowMeasured_FailsTheKlGate()
    {
        string outDir = _temp.Combine("gate");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--demo", .. SmallPlan, "--policy", "metrics.kl.max_mean=1e-12",
            "--policy", "metrics.top1.min_agreement=0.5", "--out", outDir, "--json"]);

        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject result = JsonNode.Parse(stdout)!["result"]!.AsObject();
        Assert.Contains("kl_divergence_acceptable", result["failed_gates"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.DoesNotContain("top1_agreement_acceptable", result["failed_gates"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.NotNull(result["kl_mean"]);
        JsonArray gates = Report(outDir)["gates"]!.AsArray();
        Assert.Contains(gates, g => g!["id"]!.GetValue<string>() == "top1_agreement_acceptable" && g["passed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("metrics.kl.max_mean=-1")]
    [InlineData("metrics.top1.min_agreement=1.5")]
    [InlineData("metrics.kl.limit=1")]
    public void Evaluate_BadSecondaryMetricPolicy_ExitsTwo(string setting)
    {
        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--demo", .. SmallPlan, "--policy", setting, "--out", _temp.Combine("bad")]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("metrics.", stderr);
    }

    [Fact]
    public void Evaluate_UnknownMetric_ExitsTwoNamingIt()
    {
        var (exit, _, stderr) = CliRun.Invoke(["evaluate", "--demo", .. SmallPlan, "--metric", "nope", "--out", _temp.Combine("m")]);

        Assert.Equal(2, exit);
        Assert.Contains("'nope'", stderr);
    }
}
