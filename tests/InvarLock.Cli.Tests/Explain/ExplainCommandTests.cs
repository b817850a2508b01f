using System.Text.Json.Nodes;
using InvarLock.Cli.Tests.Report;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Cli.Tests.Explain;

/// <summary><c>invarlock explain</c> on a report written by <c>invarlock evaluate</c>.</summary>
[Trait("Category", "Slow")]
public sealed class ExplainCommandTests(EvaluatedReportFixture fixture) : IClassFixture<EvaluatedReportFixture>
{
    [Fact]
    public void Explain_Text_NamesEveryGateWithValueThresholdOutcomeAndPolicyLine()
    {
        EvaluationReport report = ReportJson.Parse(fixture.ReportText);

        var (exit, stdout, stderr) = RenderCliHarness.Run("explain", fixture.ReportPath);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Verdict: PASS", stdout);
        foreach (GateResult g in report.Gates)
        {
            string outcome = !g.Evaluated ? "n/a" : g.Passed ? "PASS" : g.Gating ? "FAIL" : "WARN";
            Assert.Contains($"  {g.Id}: {outcome}", stdout);
            Assert.Contains($"    policy: {g.PolicySource}\n", stdout);
        }

        GateResult ratio = report.Gates.Single(g => g.Id == GateEvaluator.PrimaryMetricAcceptable);
        Assert.Contains($"    value {Core.Reporting.Html.ReportFacts.Number(ratio.Value)}, threshold <= 1.102\n", stdout);
        Assert.Contains("      metrics.pm_ratio.ratio_limit_base = 1.1\n", stdout);
        Assert.Contains("      metrics.pm_ratio.hysteresis_ratio = 0.002\n", stdout);
        Assert.Contains("threshold in [0.95, 1.05]", stdout);
    }

    [Fact]
    public void Explain_Text_ListsEveryGuardWithItsDecision()
    {
        EvaluationReport report = ReportJson.Parse(fixture.ReportText);

        var (exit, stdout, _) = RenderCliHarness.Run("explain", fixture.ReportPath);

        Assert.Equal(0, exit);
        Assert.NotEmpty(report.Guards);
        foreach (GuardSection g in report.Guards)
        {
            Assert.Contains($"  {g.Position}. {g.Name}: ", stdout);
            Assert.Contains($"    policy: guards.{g.Name} = ", stdout);
        }

        Assert.Contains("    policy: guards.spectral.max_caps = 5\n", stdout);
    }

    [Fact]
    public void Explain_GuardViolations_NameModuleThresholdAndPolicyValue()
    {
        string path = WithSpectralAndRmtFindings();

        var (exit, stdout, stderr) = RenderCliHarness.Run("explain", path);

        Assert.True(exit == 0, stderr);
        Assert.Contains("FAILED, action abort", stdout);
        Assert.Contains("    - family_z_cap at transformer.h.0.mlp.c_fc: value 4.2, threshold 3.849 [fatal]: z 4.2 above kappa 3.849\n", stdout);
        Assert.Contains("      policy: guards.spectral.family_caps.ffn.kappa = 3.849\n", stdout);
        Assert.Contains("    - epsilon_band at attn: value 0.5, threshold 0.2", stdout);
        Assert.Contains("      policy: guards.rmt.epsilon_by_family.attn = 0.01\n", stdout);
    }

    [Fact]
    public void Explain_Json_OneObjectWithEveryGateAndGuardDecision()
    {
        EvaluationReport report = ReportJson.Parse(fixture.ReportText);
        string path = WithSpectralAndRmtFindings();

        var (exit, stdout, stderr) = RenderCliHarness.Run("explain", path, "--json");

        Assert.True(exit == 0, stderr);
        Assert.Single(stdout.TrimEnd('\n').Split('\n'));
        JsonObject envelope = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("explain-v1", envelope["format"]!.GetValue<string>());
        JsonArray gates = envelope["gates"]!.AsArray();
        Assert.Equal(report.Gates.Select(g => g.Id), gates.Select(g => g!["id"]!.GetValue<string>()));
        JsonObject ratio = gates.Single(g => g!["id"]!.GetValue<string>() == GateEvaluator.PrimaryMetricAcceptable)!.AsObject();
        Assert.Equal(1.102, ratio["threshold"]!.GetValue<double>(), 12);
        Assert.Equal("PASS", ratio["outcome"]!.GetValue<string>());
        Assert.Equal("1.1", ratio["policy_values"]!["metrics.pm_ratio.ratio_limit_base"]!.GetValue<string>());
        JsonObject spectral = envelope["guards"]!.AsArray().Single(g => g!["name"]!.GetValue<string>() == "spectral")!.AsObject();
        Assert.False(spectral["passed"]!.GetValue<bool>());
        JsonObject finding = spectral["violations"]![0]!.AsObject();
        Assert.Equal("transformer.h.0.mlp.c_fc", finding["module"]!.GetValue<string>());
        Assert.Equal("guards.spectral.family_caps.ffn.kappa", finding["policy_line"]!.GetValue<string>());
        Assert.Equal("3.849", finding["policy_value"]!.GetValue<string>());
    }

    [Fact]
    public void Explain_FailingVerdict_ExitsZeroAndNamesFailedGates()
    {
        string path = Path.Combine(fixture.NewFolder(), "failed.json");
        var node = JsonNode.Parse(fixture.ReportText)!.AsObject();
        node["verdict"]!["passed"] = false;
        node["verdict"]!["failed_gates"] = new JsonArray("primary_metric_acceptable", "spectral_stable");
        node["verdict"]!["reasons"] = new JsonArray("r1", "r2");
        File.WriteAllText(path, node.ToJsonString());

        var (exit, stdout, stderr) = RenderCliHarness.Run("explain", path);

        Assert.True(exit == 0, stderr);
        Assert.Contains("Verdict: FAIL (failed: primary_metric_acceptable, spectral_stable)", stdout);
    }

    /// <summary>The fixture report with a fatal spectral z-cap finding (family in the guard's details) and an RMT ε-band finding.</summary>
    private string WithSpectralAndRmtFindings()
    {
        var node = JsonNode.Parse(fixture.ReportText)!.AsObject();
        foreach (JsonNode? guard in node["guards"]!.AsArray())
        {
            string name = guard!["name"]!.GetValue<string>();
            if (name == "spectral")
            {
                guard["passed"] = false;
                guard["action"] = "abort";
                guard["violations"] = new JsonArray(Violation("family_z_cap", "z 4.2 above kappa 3.849", "transformer.h.0.mlp.c_fc", 4.2, 3.849, true));
                guard["details"] = new JsonObject
                {
                    ["findings"] = new JsonArray(new JsonObject { ["type"] = "family_z_cap", ["module"] = "transformer.h.0.mlp.c_fc", ["family"] = "ffn" }),
                };
            }
            else if (name == "rmt")
            {
                guard["violations"] = new JsonArray(Violation("epsilon_band", "epsilon-band violation in attn", "attn", 0.5, 0.2, true));
            }
        }

        string path = Path.Combine(fixture.NewFolder(), "findings.json");
        File.WriteAllText(path, node.ToJsonString());
        return path;
    }

    private static JsonObject Violation(string code, string message, string module, double value, double threshold, bool fatal) => new()
    {
        ["code"] = code,
        ["message"] = message,
        ["module"] = module,
        ["value"] = value,
        ["threshold"] = threshold,
        ["fatal"] = fatal,
    };
}
