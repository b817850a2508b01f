using InvarLock.Guards.Variance;

namespace InvarLock.Guards.Tests.Variance;

public class VarianceGatesTests
{
    /// <summary>Every golden case of guards.md §5.7.</summary>
    [Theory]
    [InlineData(-0.002, -0.003, -0.001, 0.001, true, true, "ci_gain_met")]
    [InlineData(-0.0005, -0.002, 0.0001, 0.001, true, false, "ci_contains_zero")]
    [InlineData(-0.0005, -0.0015, -0.0002, 0.001, true, false, "gain_below_threshold")]
    [InlineData(0.0003, -0.001, 0.0004, 0.0, true, false, "ci_contains_zero")]
    [InlineData(-0.002, -0.0035, -0.0012, 0.001, false, true, "ci_gain_met")]
    [InlineData(-0.0008, -0.0012, -0.0003, 0.001, false, false, "gain_below_threshold")]
    [InlineData(-0.001, -0.0015, 0.0002, 0.001, false, false, "ci_contains_zero")]
    [InlineData(0.02, 0.015, 0.03, 0.01, false, false, "regression_detected")]
    [InlineData(0.005, 0.005, 0.02, 0.01, false, false, "mean_not_negative")]
    [InlineData(0.01, -0.2, -0.02, 0.0, false, false, "mean_not_negative")]
    [InlineData(0.01, -0.02, -0.001, 0.0, true, false, "mean_not_negative")]
    [InlineData(-0.005, -0.05, -0.02, 0.01, true, false, "gain_below_threshold")]
    [InlineData(-0.1, -0.2, 0.0, 0.0, false, false, "ci_contains_zero")]
    public void Predictive_GoldenCases(double mean, double lo, double hi, double me, bool oneSided, bool passed, string reason) =>
        Assert.Equal((passed, reason), VarianceGates.Predictive(mean, (lo, hi), me, oneSided));

    [Fact]
    public void Predictive_MissingCi_IsUnavailable() => Assert.Equal((false, "ci_unavailable"), VarianceGates.Predictive(-1, null, 0, true));

    /// <summary>Reference oracle variance_decide (guards.md §9): where it says evaluated, its verdict equals ours.</summary>
    [Theory]
    [InlineData(-0.003, -0.01, -0.001, 0.0009, false)]
    [InlineData(-0.0001, -0.001, 0.001, 0.0005, true)]
    public void Predictive_DifferentialCases_AgreeWithOracle(double mean, double lo, double hi, double me, bool oneSided)
    {
        bool oracle = oneSided
            ? !(mean >= 0 || (me > 0 && -mean < me) || lo >= 0) && hi < 0
            : !(hi >= 0 || -hi < me);
        Assert.Equal(oracle, VarianceGates.Predictive(mean, (lo, hi), me, oneSided).Passed);
    }

    private static VarianceOptions Opts(double minGain = 0, double minRel = 0, double tie = 0.001, double? me = 0.001, string mode = "ci", bool gate = true) =>
        VarianceOptions.Balanced with { MinGain = minGain, MinRelGain = minRel, TieBreakerDeadband = tie, MinEffectLogNll = me, Mode = mode, PredictiveGate = gate };

    [Fact]
    public void AbGate_ReferenceEnableExample_EnablesWithSyntheticState()
    {
        var (enable, reason, state) = VarianceGates.AbGate(new AbResults(50, 49.94, (0.90, 0.995)), new PredictiveState(false, false, ""), Opts());
        Assert.True(enable, reason);
        Assert.StartsWith("criteria_met", reason);
        Assert.Equal("synthetic_ab_gate", state.Reason);
    }

    [Fact]
    public void AbGate_ReferenceRejectExample_BelowMinRelGain()
    {
        var (enable, reason, _) = VarianceGates.AbGate(new AbResults(50, 49.94, (0.90, 0.995)), new PredictiveState(false, false, ""),
            Opts(minGain: 0.01, minRel: 0.0075, tie: 0.005, me: 0.002));
        Assert.False(enable);
        Assert.StartsWith("below_min_rel_gain", reason);
    }

    [Fact]
    public void AbGate_NoResults() => Assert.Equal("no_ab_results", VarianceGates.AbGate(new AbResults(null, null, null), PredictiveState.Initial(true), Opts()).Reason);

    [Fact]
    public void AbGate_ZeroPpl_Invalid() => Assert.Equal("invalid_ppl_values", VarianceGates.AbGate(new AbResults(0, 1, (0.9, 0.95)), PredictiveState.Initial(true), Opts()).Reason);

    [Fact]
    public void AbGate_MissingRatioCi() =>
        Assert.Equal("missing_ratio_ci", VarianceGates.AbGate(new AbResults(50, 45, null), new PredictiveState(true, true, "ci_gain_met"), Opts()).Reason);

    [Fact]
    public void AbGate_InvalidRatioCi() =>
        Assert.Equal("invalid_ratio_ci", VarianceGates.AbGate(new AbResults(50, 45, (0.0, -1.0)), new PredictiveState(true, true, "x"), Opts()).Reason);

    [Theory]
    [InlineData(0.995, "ci_interval_too_high")]
    [InlineData(0.98, "criteria_met")]
    public void AbGate_RatioUpperBoundAgainstMinRelGain(double hi, string prefix)
    {
        var (_, reason, _) = VarianceGates.AbGate(new AbResults(50, 45, (0.85, hi)), new PredictiveState(true, true, "ci_gain_met"), Opts(minRel: 0.01, me: null));
        Assert.StartsWith(prefix, reason);
    }

    [Fact]
    public void AbGate_SmallImprovement_BelowAbsoluteFloor()
    {
        var (_, reason, _) = VarianceGates.AbGate(new AbResults(1.0, 0.96, (0.9, 0.95)), new PredictiveState(true, true, "x"), Opts(me: null));
        Assert.StartsWith("below_absolute_floor (improvement=0.040", reason);
    }

    [Theory]
    [InlineData(0.012, "below_threshold_with_deadband")]
    [InlineData(0.02, "criteria_met")]
    public void AbGate_DeltaMode_TieBreakerDeadband(double gain, string prefix)
    {
        double no = 10.0;
        var (_, reason, _) = VarianceGates.AbGate(new AbResults(no, no * (1 - gain), null), new PredictiveState(true, true, "x"),
            Opts(minGain: 0.01, tie: 0.005, me: null, mode: "delta"));
        Assert.StartsWith(prefix, reason);
    }

    [Fact]
    public void AbGate_PredictiveFailed_Rejects()
    {
        var (enable, reason, _) = VarianceGates.AbGate(new AbResults(50, 45, (0.85, 0.95)), new PredictiveState(true, false, "ci_contains_zero"), Opts(me: null));
        Assert.False(enable);
        Assert.Equal("predictive_gate_failed (ci_contains_zero)", reason);
    }

    [Fact]
    public void AbGate_PredictiveGateDisabled_IgnoresState()
    {
        var (enable, _, _) = VarianceGates.AbGate(new AbResults(50, 45, (0.85, 0.95)), new PredictiveState(true, false, "ci_contains_zero"), Opts(me: null, gate: false));
        Assert.True(enable);
    }
}
