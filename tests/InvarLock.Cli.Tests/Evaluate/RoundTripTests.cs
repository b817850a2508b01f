using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary>evaluate → verify round trips, tampering, and baseline-report reuse, through the real CLI.</summary>
[Trait("Category", "Slow")]
public sealed class RoundTripTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "8", "--final-n", "8"];
    private readonly TempFolder _temp = new("invarlock-cli-roundtrip");

    public void Dispose() => _temp.Dispose();

    private static string ReportIn(string dir) => Path.Combine(dir, "evaluation.report.json");

    private (string Baseline, string Subject) Checkpoints()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "subject", 1.01f);
        return (baseline, subject);
    }

    [Fact]
    public void EvaluateThenVerify_ReportVerifiesWithSameExitClass()
    {
        var (baseline, subject) = Checkpoints();
        string outDir = _temp.Combine("out");
        var eval = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", outDir]);
        Assert.True(eval.Exit is 0 or 1 or 3, eval.Error);

        var verify = CliRun.Invoke("verify", ReportIn(outDir));

        // A report verifies (0) or re-derives its own failing gate (1), never "malformed" (2).
        Assert.True(verify.Exit == (eval.Exit == 0 ? 0 : 1), $"evaluate {eval.Exit}, verify {verify.Exit}\n{verify.Out}");
        Assert.Contains("checks passed", verify.Out);

        var html = CliRun.Invoke("report", "--format", "html", ReportIn(outDir), "--out", _temp.Combine("out", "report.html"));
        Assert.Equal(0, html.Exit);
        Assert.Contains("<svg", File.ReadAllText(_temp.Combine("out", "report.html")));
        var md = CliRun.Invoke("report", "--format", "md", ReportIn(outDir));
        Assert.Equal(0, md.Exit);
        Assert.Contains(eval.Exit == 0 ? "PASS" : "FAIL", md.Out);
    }

    [Fact]
    public void Verify_TamperedRatio_ExitsTwo()
    {
        var (baseline, subject) = Checkpoints();
        string outDir = _temp.Combine("out");
        CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", outDir]);
        JsonObject report = JsonNode.Parse(File.ReadAllText(ReportIn(outDir)))!.AsObject();
        report["primary_metric"]!["ratio"] = 0.5;
        File.WriteAllText(ReportIn(outDir), report.ToJsonString());

        var verify = CliRun.Invoke("verify", ReportIn(outDir), "--json");

        Assert.Equal(2, verify.Exit);
        Assert.Contains("\"exit_code\":2", verify.Out);
    }

    [Fact]
    public void Evaluate_BaselineReport_ReusesLossesAndMatchesFreshRun()
    {
        var (baseline, subject) = Checkpoints();
        string first = _temp.Combine("first"), reused = _temp.Combine("reused");
        CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--out", first]);

        var run = CliRun.Invoke("evaluate", "--baseline-report", ReportIn(first), "--subject", subject, "--out", reused);
        var fresh = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", _temp.Combine("fresh")]);

        Assert.Equal(fresh.Exit, run.Exit);
        JsonObject a = JsonNode.Parse(File.ReadAllText(ReportIn(reused)))!.AsObject();
        JsonObject b = JsonNode.Parse(File.ReadAllText(ReportIn(_temp.Combine("fresh"))))!.AsObject();
        Assert.Equal(b["primary_metric"]!["ratio"]!.GetValue<double>(), a["primary_metric"]!["ratio"]!.GetValue<double>());
        Assert.Equal(b["evaluation"]!["preview"]!.ToJsonString(), a["evaluation"]!["preview"]!.ToJsonString());
        Assert.Equal(b["evaluation"]!["final"]!.ToJsonString(), a["evaluation"]!["final"]!.ToJsonString());
        // No baseline pass when its report is reused, so nothing to compare distributions with; the fresh run has it.
        Assert.Null(a["evaluation"]!["final_token_comparison"]);
        Assert.Null(a["token_comparison"]);
        Assert.NotNull(b["token_comparison"]);
        Assert.EndsWith("evaluation.report.json", a["run"]!["baseline_report"]!.GetValue<string>());
        Assert.NotEqual(2, CliRun.Invoke("verify", ReportIn(reused)).Exit);
    }

    [Fact]
    public void Evaluate_BaselineReportOfAnotherModel_ErrorSaysWeightsDiffer()
    {
        var (baseline, subject) = Checkpoints();
        string first = _temp.Combine("first");
        CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--out", first]);

        var run = CliRun.Invoke("evaluate", "--baseline-report", ReportIn(first), "--baseline", subject, "--subject", subject,
            "--out", _temp.Combine("x"));

        Assert.Equal(2, run.Exit);
        Assert.Contains("baseline weights digest differs", run.Error);
    }

    [Fact]
    public void Evaluate_BaselineReportWithOtherWindows_ErrorSaysWindowPlanDiffers()
    {
        var (baseline, subject) = Checkpoints();
        string first = _temp.Combine("first");
        CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--out", first]);

        var run = CliRun.Invoke("evaluate", "--baseline-report", ReportIn(first), "--subject", subject, "--seed", "7", "--out", _temp.Combine("x"));

        Assert.Equal(2, run.Exit);
        Assert.Contains("window plan", run.Error);
    }

    [Fact]
    public void Evaluate_TamperedBaselineReport_IsRefused()
    {
        var (baseline, subject) = Checkpoints();
        string first = _temp.Combine("first");
        CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--out", first]);
        JsonObject report = JsonNode.Parse(File.ReadAllText(ReportIn(first)))!.AsObject();
        report["evaluation"]!["final"]!["baseline_loss_sums"]![0] = 1.0;
        File.WriteAllText(ReportIn(first), report.ToJsonString());

        var run = CliRun.Invoke("evaluate", "--baseline-report", ReportIn(first), "--subject", subject, "--out", _temp.Combine("x"));

        Assert.Equal(2, run.Exit);
        Assert.Contains("fails verification", run.Error);
    }
}
