using System.Text.Json.Nodes;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting;
using InvarLock.Core.Tests.Reporting;
using InvarLock.Core.Verification;

namespace InvarLock.Core.Tests.Verification;

public sealed class ReportVerifierTests
{
    private static VerifyResult VerifyOne(VerifyTestFolder folder, string? baseline = null, string? profile = null) =>
        ReportVerifier.Verify([folder.ReportPath], baseline, profile, FirstPartyPolicy.Guards);

    private static void AssertFailedCheck(VerifyResult result, string checkId, int exitCode)
    {
        Assert.Equal(exitCode, result.ExitCode);
        var failed = result.Reports[0].Checks.Where(c => !c.Ok).Select(c => c.Id).ToList();
        Assert.Contains(checkId, failed);
    }

    [Fact]
    public void Verify_FreshReport_Passes()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        VerifyResult result = VerifyOne(folder);
        Assert.True(result.ExitCode == 0, string.Join("\n", result.Reports[0].Checks.Where(c => !c.Ok).Select(c => c.Message)));
        Assert.Equal("pass", result.Reports[0].Status);
        Assert.NotNull(result.Reports[0].RatioCi);
    }

    [Fact]
    public void Verify_ReportWithBosWindows_PassesAndRecordsTheBosId()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run(bosTokenId: 1));
        VerifyResult result = VerifyOne(folder);
        Assert.True(result.ExitCode == 0, string.Join("\n", result.Reports[0].Checks.Where(c => !c.Ok).Select(c => c.Message)));
        var windows = JsonNode.Parse(File.ReadAllText(folder.ReportPath))!["windows"]!;
        Assert.Equal(1, (int)windows["bos_token_id"]!);
    }

    [Fact]
    public void Verify_BosIdRemovedFromReport_FailsWindowPlan()
    {
        // The fixture's 800 tokens fit 158 windows of BOS + 15 tokens every 5 tokens but only 157 of 16 tokens, so without
        // the BOS id the recomputed spread of 48 windows moves.
        using var folder = new VerifyTestFolder(ReportFixtures.Run(bosTokenId: 1, stride: 5));
        folder.Tamper(root => root["windows"]!["bos_token_id"] = null);
        AssertFailedCheck(VerifyOne(folder), "window_plan", 2);
    }

    [Fact]
    public void Verify_GateFailingReport_ExitsOne()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run(shift: 0.5));
        VerifyResult result = VerifyOne(folder);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("primary_metric_acceptable", result.Reports[0].FailedGates);
    }

    [Fact]
    public void Verify_ReportsOfIdenticalRuns_HaveIdenticalContentDigests()
    {
        using var first = new VerifyTestFolder(ReportFixtures.Run());
        using var second = new VerifyTestFolder(ReportFixtures.Run(started: new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        var a = JsonNode.Parse(File.ReadAllText(first.ReportPath))!.AsObject();
        var b = JsonNode.Parse(File.ReadAllText(second.ReportPath))!.AsObject();
        Assert.Equal(a["integrity"]!["content_sha256"]!.GetValue<string>(), b["integrity"]!["content_sha256"]!.GetValue<string>());
        Assert.NotEqual(a["timing"]!.ToJsonString(), b["timing"]!.ToJsonString());
        a.Remove("timing");
        b.Remove("timing");
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        Assert.Equal(0, ReportVerifier.Verify([first.ReportPath, second.ReportPath], null, null, FirstPartyPolicy.Guards).ExitCode);
    }

    [Fact]
    public void Verify_MissingFile_IsMalformed()
    {
        VerifyResult result = ReportVerifier.Verify([Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "x.json")], null, null);
        AssertFailedCheck(result, "read", 2);
    }

    [Fact]
    public void Verify_NotJson_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        File.WriteAllText(folder.ReportPath, "{ not json");
        AssertFailedCheck(VerifyOne(folder), "read", 2);
    }

    [Fact]
    public void Verify_WrongSchemaVersion_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["schema_version"] = "invarlock.evaluation-report/v0");
        AssertFailedCheck(VerifyOne(folder), "schema_version", 2);
    }

    [Fact]
    public void Verify_UnknownMember_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!["extra"] = 1);
        AssertFailedCheck(VerifyOne(folder), "schema", 2);
    }

    [Fact]
    public void Verify_MissingRequiredMember_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!.AsObject().Remove("ratio"));
        AssertFailedCheck(VerifyOne(folder), "schema", 2);
    }

    [Fact]
    public void Verify_WrongType_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["run"]!["seed"] = "42");
        AssertFailedCheck(VerifyOne(folder), "schema", 2);
    }

    [Fact]
    public void Verify_BadGuardAction_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["guards"]![0]!["action"] = "ignore");
        AssertFailedCheck(VerifyOne(folder), "schema", 2);
    }

    [Fact]
    public void Verify_EditedWithoutResealing_FailsContentDigest()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["subject"]!["path"] = "/elsewhere", reseal: false);
        var result = VerifyOne(folder);
        AssertFailedCheck(result, "content_digest", 2);
        AssertFailedCheck(result, "runtime_manifest", 2);
    }

    [Fact]
    public void Verify_ContentDigestEdited_FailsContentDigest()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["integrity"]!["content_sha256"] = new string('0', 64), reseal: false);
        AssertFailedCheck(VerifyOne(folder), "content_digest", 2);
    }

    [Fact]
    public void Verify_ManifestMissing_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        File.Delete(folder.ManifestPath);
        AssertFailedCheck(VerifyOne(folder), "runtime_manifest", 2);
    }

    [Fact]
    public void Verify_ManifestHashWrong_IsMalformed()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        var manifest = JsonNode.Parse(File.ReadAllText(folder.ManifestPath))!.AsObject();
        manifest["report"]!["sha256"] = new string('f', 64);
        File.WriteAllText(folder.ManifestPath, manifest.ToJsonString());
        AssertFailedCheck(VerifyOne(folder), "runtime_manifest", 2);
    }

    [Fact]
    public void Verify_PolicyEdited_FailsPolicyDigest()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["policy"]!["resolved"]!["metrics"]!["pm_ratio"]!["ratio_limit_base"] = 5.0);
        AssertFailedCheck(VerifyOne(folder), "policy_digest", 2);
    }

    [Fact]
    public void Verify_PolicyAndDigestEdited_FailsGatePolicy()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n =>
        {
            n["policy"]!["resolved"]!["metrics"]!["pm_ratio"]!["ratio_limit_base"] = 5.0;
            n["policy"]!["sha256"] = InvarLock.Sdk.Canonical.CanonicalJson.Sha256Hex(n["policy"]!["resolved"]);
        });
        AssertFailedCheck(VerifyOne(folder), "gate_policy", 2);
    }

    [Fact]
    public void Verify_GatePolicyNumberEdited_FailsGatePolicy()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["policy"]!["gate_policy"]!["ratio_limit"] = 2.0);
        AssertFailedCheck(VerifyOne(folder), "gate_policy", 2);
    }

    [Fact]
    public void Verify_RatioEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!["ratio"] = 1.0);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_PerplexityEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!["subject"]!["final"]!["perplexity"] = 20.0);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_CiBoundEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!["display_ci"]!["upper"] = 1.0001);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_DeltaMeanEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["primary_metric"]!["delta"]!["weighted_mean"] = 0.0);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_SeedEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["run"]!["seed"] = 7);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_WindowLossEdited_FailsPrimaryMetric()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["evaluation"]!["final"]!["subject_loss_sums"]![3] = 10.0);
        AssertFailedCheck(VerifyOne(folder), "primary_metric", 2);
    }

    [Fact]
    public void Verify_WindowListShortened_FailsWindows()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["evaluation"]!["final"]!["subject_loss_sums"]!.AsArray().RemoveAt(0));
        AssertFailedCheck(VerifyOne(folder), "windows", 2);
    }

    [Fact]
    public void Verify_TokenHashEdited_FailsPlanDigest()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["windows"]!["final"]!["token_sha256"]![0] = new string('0', 64));
        AssertFailedCheck(VerifyOne(folder), "plan_digest", 2);
    }

    [Fact]
    public void Verify_DuplicateWindowId_FailsWindows()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["windows"]!["final"]!["window_ids"]![1] = n["windows"]!["final"]!["window_ids"]![0]!.GetValue<int>());
        AssertFailedCheck(VerifyOne(folder), "windows", 2);
    }

    [Fact]
    public void Verify_TailEdited_FailsTail()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["tail"]!["tail_mass"] = 0.99);
        AssertFailedCheck(VerifyOne(folder), "tail", 2);
    }

    [Fact]
    public void Verify_GateFlipped_FailsGates()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run(shift: 0.5));
        folder.Tamper(n =>
        {
            foreach (JsonNode? g in n["gates"]!.AsArray())
            {
                if (g!["id"]!.GetValue<string>() == "primary_metric_acceptable")
                {
                    g["passed"] = true;
                }
            }
        });
        AssertFailedCheck(VerifyOne(folder), "gates", 2);
    }

    [Fact]
    public void Verify_ValidationFlipped_FailsValidation()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["validation"]!["spectral_stable"] = false);
        AssertFailedCheck(VerifyOne(folder), "validation", 2);
    }

    [Fact]
    public void Verify_VerdictFlipped_FailsVerdict()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run(shift: 0.5));
        folder.Tamper(n => n["verdict"]!["passed"] = true);
        AssertFailedCheck(VerifyOne(folder), "verdict", 2);
    }

    [Fact]
    public void Verify_ConfidenceEdited_FailsConfidence()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["confidence"]!["threshold"] = 0.5);
        AssertFailedCheck(VerifyOne(folder), "confidence", 2);
    }

    [Fact]
    public void Verify_GuardOutcomeEdited_FailsGates()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run(guards: ReportFixtures.DefaultGuards("spectral")));
        folder.Tamper(n =>
        {
            n["guards"]![1]!["passed"] = true;
            n["guards"]![1]!["action"] = "none";
        });
        AssertFailedCheck(VerifyOne(folder), "gates", 2);
    }

    [Fact]
    public void Verify_OverheadEdited_FailsGuardOverhead()
    {
        using var folder = new VerifyTestFolder(RunWithOverhead(1.0));
        folder.Tamper(n => n["guard_overhead"]!["ratio"] = 0.5);
        AssertFailedCheck(VerifyOne(folder), "guard_overhead", 2);
    }

    [Fact]
    public void Verify_OverheadOverBudget_FailsGate()
    {
        using var folder = new VerifyTestFolder(RunWithOverhead(1.05));
        VerifyResult result = VerifyOne(folder);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("guard_overhead_acceptable", result.Reports[0].FailedGates);
    }

    [Fact]
    public void Verify_TierEdited_FailsPolicyIdentity()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        folder.Tamper(n => n["run"]!["tier"] = "aggressive");
        AssertFailedCheck(VerifyOne(folder), "policy_identity", 2);
    }

    [Fact]
    public void Verify_ProfileMismatch_FailsGate()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        AssertFailedCheck(VerifyOne(folder, profile: "release"), "profile", 1);
    }

    [Fact]
    public void Verify_MatchingBaseline_Passes()
    {
        using var baseline = new VerifyTestFolder(ReportFixtures.Run(shift: 0, noise: 0), "baseline");
        using var subject = new VerifyTestFolder(ReportFixtures.Run());
        Assert.Equal(0, VerifyOne(subject, baseline.ReportPath).ExitCode);
    }

    [Fact]
    public void Verify_BaselineWithOtherWindows_FailsBaseline()
    {
        using var baseline = new VerifyTestFolder(ReportFixtures.Run(windowsPerArm: 20), "baseline");
        using var subject = new VerifyTestFolder(ReportFixtures.Run());
        AssertFailedCheck(VerifyOne(subject, baseline.ReportPath), "baseline", 2);
    }

    [Fact]
    public void Verify_BaselineWithOtherTokenizer_FailsBaseline()
    {
        using var baseline = new VerifyTestFolder(ReportFixtures.Run(), "baseline");
        baseline.Tamper(n => n["baseline"]!["tokenizer_sha256"] = new string('9', 64));
        using var subject = new VerifyTestFolder(ReportFixtures.Run());
        VerifyResult result = VerifyOne(subject, baseline.ReportPath);
        AssertFailedCheck(result, "baseline", 2);
        Assert.Contains("tokenizer", result.Reports[0].Checks.First(c => c.Id == "baseline").Message);
    }

    [Fact]
    public void Verify_UnreadableBaseline_FailsBaseline()
    {
        using var subject = new VerifyTestFolder(ReportFixtures.Run());
        AssertFailedCheck(VerifyOne(subject, Path.Combine(subject.Root, "missing.json")), "baseline", 2);
    }

    [Fact]
    public void ToJson_MixedBatch_ReportsWorstExitCodeAndCounts()
    {
        using var good = new VerifyTestFolder(ReportFixtures.Run());
        using var failing = new VerifyTestFolder(ReportFixtures.Run(shift: 0.5));
        VerifyResult result = ReportVerifier.Verify([good.ReportPath, failing.ReportPath], null, null, FirstPartyPolicy.Guards);
        JsonObject envelope = result.ToJson();
        Assert.Equal(1, envelope["exit_code"]!.GetValue<int>());
        Assert.Equal(1, envelope["summary"]!["passed"]!.GetValue<int>());
        Assert.Equal(1, envelope["summary"]!["gate_failed"]!.GetValue<int>());
        Assert.DoesNotContain('\n', result.ToJsonLine());
    }

    private static EvaluationRun RunWithOverhead(double guardedScale)
    {
        EvaluationRun run = ReportFixtures.Run(profile: "dev");
        var guarded = run.SubjectFinal.Select(l => new Sdk.Models.WindowLoss(l.LossSum, l.TokenCount)).ToList();
        var bare = run.SubjectFinal.Select(l => new Sdk.Models.WindowLoss(l.LossSum - Math.Log(guardedScale) * l.TokenCount, l.TokenCount)).ToList();
        return run with { GuardOverhead = new GuardOverheadMeasurement(bare, guarded, 1.0, 1.1, "bare vs guarded final arm") };
    }
}
