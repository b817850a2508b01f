using InvarLock.Core.Policy;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Statistics;
using InvarLock.Numerics;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Reporting;

public sealed class GateEvaluatorTests
{
    private const int Tokens = 511;

    private static MetricGatePolicy Policy(string tier = "balanced", string profile = "dev") =>
        MetricGatePolicy.FromPolicyDocument(FirstPartyPolicy.Resolve(new PolicyRequest(tier, profile, null, null, [])).Document);

    /// <summary>Windows whose subject loss is the baseline's plus ln(ratio) per token (plus optional noise), so the
    /// ratio is <paramref name="ratio"/> and, without noise, the CI collapses onto it.</summary>
    private static GateInputs Inputs(double ratio, MetricGatePolicy policy, int windows = 200, double noise = 0, double finalDriftFactor = 1.0,
        IReadOnlyList<GuardGateInput>? guards = null, (double, double)? overhead = null, int stride = 16, int sequenceLength = 16,
        long windowTokens = 1_000_000)
    {
        var rng = new Random(7);
        int[] previewIds = Enumerable.Range(0, windows).ToArray();
        int[] finalIds = Enumerable.Range(windows, windows).ToArray();
        var basePrev = previewIds.Select(i => new WindowLoss((3.0 + 0.2 * Math.Sin(i)) * Tokens, Tokens)).ToList();
        var baseFinal = finalIds.Select(i => new WindowLoss((3.0 + 0.2 * Math.Sin(i)) * Tokens, Tokens)).ToList();
        double shift = Math.Log(ratio);
        var subjPrev = basePrev.Select(l => new WindowLoss(l.LossSum + (shift - Math.Log(finalDriftFactor)) * Tokens, Tokens)).ToList();
        var subjFinal = baseFinal.Select(l => new WindowLoss(l.LossSum + (shift + noise * (rng.NextDouble() - 0.5)) * Tokens, Tokens)).ToList();
        var analysis = PrimaryMetricAnalysis.Compute(new ModelArm(previewIds, basePrev), new ModelArm(finalIds, baseFinal),
            new ModelArm(previewIds, subjPrev), new ModelArm(finalIds, subjFinal), policy.BootstrapFor(42), policy.Tail);
        return new GateInputs
        {
            Analysis = analysis,
            GateIdOf = FirstPartyPolicy.Guards.GateId,
            Policy = policy,
            Guards = guards ?? [new GuardGateInput("invariants", true, GuardAction.None, null, 0), new GuardGateInput("spectral", true, GuardAction.None, null, 0)],
            Overhead = overhead,
            SequenceLength = sequenceLength,
            Stride = stride,
            StreamTokens = 2_000_000,
            WindowTokens = windowTokens,
            Aborted = false,
        };
    }

    private static GateResult Gate(GateOutcome outcome, string id) => outcome.Gates.Single(g => g.Id == id);

    [Theory]
    [InlineData("balanced", 1.10, true)]
    [InlineData("balanced", 1.15, false)]
    [InlineData("conservative", 1.05, true)]
    [InlineData("conservative", 1.06, false)]
    [InlineData("aggressive", 1.20, true)]
    [InlineData("aggressive", 1.25, false)]
    public void Evaluate_TierRatioLimits_MatchReference(string tier, double ratio, bool passes)
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(ratio, Policy(tier)));
        Assert.Equal(passes, Gate(outcome, GateEvaluator.PrimaryMetricAcceptable).Passed);
        Assert.Equal(passes, outcome.Verdict.Passed);
    }

    [Fact]
    public void Evaluate_PointWithinLimitButCiUpperAbove_Fails()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.05, Policy(), windows: 30, noise: 0.6));
        GateResult gate = Gate(outcome, GateEvaluator.PrimaryMetricAcceptable);
        Assert.True(gate.Value > 1.102, $"CI upper {gate.Value}");
        Assert.False(gate.Passed);
        Assert.Contains("CI upper bound", gate.Reason);
        Assert.Contains(GateEvaluator.PrimaryMetricAcceptable, outcome.Verdict.FailedGates);
    }

    [Fact]
    public void Evaluate_CiUpperInsideHysteresisBand_PassesAndFlagsHysteresis()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.101, Policy()));
        Assert.True(Gate(outcome, GateEvaluator.PrimaryMetricAcceptable).Passed);
        Assert.True(outcome.Validation[GateEvaluator.HysteresisApplied]);
    }

    [Fact]
    public void Evaluate_TargetRatio_CapsTheLimit()
    {
        MetricGatePolicy policy = Policy() with { TargetRatio = 1.05 };
        Assert.True(Gate(GateEvaluator.Evaluate(Inputs(1.03, policy)), GateEvaluator.PrimaryMetricAcceptable).Passed);
        Assert.False(Gate(GateEvaluator.Evaluate(Inputs(1.06, policy)), GateEvaluator.PrimaryMetricAcceptable).Passed);
        Assert.Equal(1.052, policy.RatioLimitWithHysteresis, 1e-12);
    }

    [Fact]
    public void Evaluate_AcceptanceMinimum_BlocksLowRatios()
    {
        MetricGatePolicy policy = Policy() with { AcceptanceMin = 0.95 };
        Assert.False(Gate(GateEvaluator.Evaluate(Inputs(0.5, policy)), GateEvaluator.PrimaryMetricAcceptable).Passed);
        Assert.True(Gate(GateEvaluator.Evaluate(Inputs(0.5, Policy())), GateEvaluator.PrimaryMetricAcceptable).Passed);
    }

    [Theory]
    [InlineData(1.08, false)]
    [InlineData(1.04, true)]
    [InlineData(0.94, false)]
    public void Evaluate_Drift_GatedByBand(double drift, bool passes) =>
        Assert.Equal(passes, Gate(GateEvaluator.Evaluate(Inputs(1.0, Policy(), finalDriftFactor: drift)), GateEvaluator.DriftAcceptable).Passed);

    [Fact]
    public void Evaluate_FailingGuard_FailsItsGateWithReason()
    {
        GuardGateInput[] guards =
        [
            new("invariants", true, GuardAction.None, null, 0), new("spectral", false, GuardAction.Rollback, null, 6),
            new("rmt", true, GuardAction.Warn, null, 1), new("invariants", false, GuardAction.Abort, "boom", 0),
        ];
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(), guards: guards));
        Assert.False(Gate(outcome, "spectral_stable").Passed);
        Assert.Contains("6 finding(s)", Gate(outcome, "spectral_stable").Reason);
        Assert.True(Gate(outcome, "rmt_stable").Passed);
        Assert.False(Gate(outcome, "invariants_pass").Passed);
        Assert.Contains("boom", Gate(outcome, "invariants_pass").Reason);
        Assert.Equal(["spectral_stable", "invariants_pass"], outcome.Verdict.FailedGates.Where(g => g.EndsWith("_pass") || g.EndsWith("_stable")).OrderByDescending(g => g));
    }

    [Theory]
    [InlineData(1.02, false)]
    [InlineData(1.01, true)]
    public void Evaluate_GuardOverhead_GatedAtOnePercent(double ratio, bool passes)
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(), overhead: (10.0, 10.0 * ratio)));
        Assert.Equal(passes, Gate(outcome, GateEvaluator.GuardOverheadAcceptable).Passed);
    }

    [Fact]
    public void Evaluate_NoOverhead_NotEvaluatedAndPasses()
    {
        GateResult gate = Gate(GateEvaluator.Evaluate(Inputs(1.0, Policy())), GateEvaluator.GuardOverheadAcceptable);
        Assert.False(gate.Evaluated);
        Assert.True(gate.Passed);
    }

    [Fact]
    public void Evaluate_DevProfileCoverageAndOverlap_WarnOnly()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(profile: "dev"), windows: 20, stride: 8));
        Assert.False(Gate(outcome, GateEvaluator.BootstrapCoverage).Passed);
        Assert.False(Gate(outcome, GateEvaluator.WindowOverlap).Passed);
        Assert.False(Gate(outcome, GateEvaluator.BootstrapCoverage).Gating);
        Assert.True(outcome.Verdict.Passed);
        Assert.Contains(outcome.Verdict.Warnings, w => w.Contains("overlap", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_CiProfileCoverageAndOverlap_Fail()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(profile: "ci"), windows: 20, stride: 8));
        Assert.False(outcome.Verdict.Passed);
        Assert.Contains(GateEvaluator.BootstrapCoverage, outcome.Verdict.FailedGates);
        Assert.Contains(GateEvaluator.WindowOverlap, outcome.Verdict.FailedGates);
    }

    [Fact]
    public void Evaluate_CiProfileBalancedCoverage_Passes()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(profile: "ci")));
        Assert.True(outcome.Verdict.Passed, string.Join("; ", outcome.Verdict.Reasons));
    }

    [Fact]
    public void Evaluate_CiProfileConservativeCoverage_FailsAt200Windows()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy("conservative", "ci")));
        Assert.Contains(GateEvaluator.BootstrapCoverage, outcome.Verdict.FailedGates);
    }

    [Fact]
    public void Evaluate_CiProfileTooFewTokens_FailsTokenFloor()
    {
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.0, Policy(profile: "ci"), windowTokens: 30_000));
        Assert.Contains(GateEvaluator.TokenFloor, outcome.Verdict.FailedGates);
        GateOutcome relaxed = GateEvaluator.Evaluate(Inputs(1.0, Policy(profile: "ci"), windowTokens: 49_500));
        Assert.True(Gate(relaxed, GateEvaluator.TokenFloor).Passed); // within the 2% tolerance with coverage met
    }

    [Fact]
    public void Evaluate_ConfidenceLabels_FollowTheMatrix()
    {
        Assert.Equal("High", GateEvaluator.Evaluate(Inputs(1.0, Policy())).Confidence.Label);
        Assert.Equal("Medium", GateEvaluator.Evaluate(Inputs(1.0, Policy(), windowTokens: 1000)).Confidence.Label);
        Assert.Equal("Low", GateEvaluator.Evaluate(Inputs(1.5, Policy())).Confidence.Label);
        ConfidenceLabel wide = GateEvaluator.Evaluate(Inputs(1.0, Policy(), windows: 30, noise: 0.3)).Confidence;
        Assert.True(wide.Width > 0.06);
        Assert.Equal("Low", wide.Label);
    }

    [Fact]
    public void Evaluate_TailFailMode_FailsVerdict()
    {
        MetricGatePolicy policy = Policy() with { Tail = new TailPolicy("fail", 10, 0.95, 0.001, 1e-4, 0.5) };
        GateOutcome outcome = GateEvaluator.Evaluate(Inputs(1.01, policy));
        Assert.False(Gate(outcome, GateEvaluator.PrimaryMetricTailAcceptable).Passed);
        Assert.Contains(GateEvaluator.PrimaryMetricTailAcceptable, outcome.Verdict.FailedGates);
        GateOutcome warned = GateEvaluator.Evaluate(Inputs(1.01, Policy() with { Tail = policy.Tail with { Mode = "warn" } }));
        Assert.True(warned.Verdict.Passed);
        Assert.Contains(warned.Verdict.Warnings, w => w.Contains("Tail violations", StringComparison.Ordinal));
    }

    [Fact]
    public void FromPolicyDocument_ProfilesAndTiers_ReadTheResolvedNumbers()
    {
        MetricGatePolicy ciCpu = Policy(profile: "ci_cpu");
        Assert.Equal(1.15, ciCpu.RatioLimit);
        MetricGatePolicy release = Policy("conservative", "release");
        Assert.True(release.Strict);
        Assert.Equal(3200, release.BootstrapReplicates);
        Assert.Equal(220, release.CoveragePreviewFloor);
        Assert.Equal(1.052, release.RatioLimitWithHysteresis, 1e-12);
        Assert.Equal(0.12, release.Tail.QuantileMax);
    }
}
