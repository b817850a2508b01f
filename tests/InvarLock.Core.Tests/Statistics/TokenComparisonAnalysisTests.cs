using InvarLock.Core.Policy;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Statistics;
using InvarLock.Numerics;
using InvarLock.Sdk.Metrics;

namespace InvarLock.Core.Tests.Statistics;

public sealed class TokenComparisonAnalysisTests
{
    private static readonly BootstrapSettings Settings = new(BootstrapMethod.Bca, 500, 0.05, 7);

    private static TokenComparisonWindow Window(params double[] kl) =>
        new(kl.Length, kl.Sum(), kl.Count(k => k < 0.5), kl);

    [Fact]
    public void Compute_KnownValues_TokenWeightedMeanQuantilesAndAgreement()
    {
        TokenComparisonAnalysis a = TokenComparisonAnalysis.Compute(
            [Window(0.1, 0.2, 0.3, 0.4), Window(1.0), Window(0.0, 0.0, 0.6, 0.2, 0.2)], Settings)!;

        Assert.Equal(10, a.Tokens);
        Assert.Equal(3.0 / 10, a.KlMean, 12);
        Assert.Equal(0.2, a.KlMedian, 12);
        Assert.Equal(1.0, a.KlMax);
        Assert.Equal(0.8, a.Top1Agreement, 12);
        Assert.NotNull(a.KlInterval);
        Assert.True(a.KlInterval!.Lower <= a.KlInterval.Upper);
        Assert.True(a.Top1Interval!.Upper <= 1.0 + 1e-12);
    }

    [Fact]
    public void Compute_SameInputs_SameIntervals()
    {
        TokenComparisonWindow[] windows = [Window(0.1, 0.3), Window(0.2, 0.9, 0.05), Window(0.4)];

        Assert.Equal(TokenComparisonAnalysis.Compute(windows, Settings), TokenComparisonAnalysis.Compute(windows, Settings));
    }

    [Fact]
    public void Compute_NoPrediction_Null() =>
        Assert.Null(TokenComparisonAnalysis.Compute([new TokenComparisonWindow(0, 0, 0, [])], Settings));

    [Fact]
    public void Comparison_PerTokenCountDisagrees_Throws()
    {
        var section = new TokenComparisonWindowsSection([2], [0.3], [1], [[0.1]]);

        Assert.Throws<ArgumentException>(() => AnalysisInputs.Comparison(section, 1));
    }

    [Fact]
    public void Comparison_NegativeKl_Throws()
    {
        var section = new TokenComparisonWindowsSection([1], [-0.1], [1], [[-0.1]]);

        Assert.Throws<ArgumentException>(() => AnalysisInputs.Comparison(section, 1));
    }

    [Fact]
    public void Comparison_WrongWindowCount_Throws()
    {
        var section = new TokenComparisonWindowsSection([1], [0.1], [1], [[0.1]]);

        Assert.Throws<ArgumentException>(() => AnalysisInputs.Comparison(section, 2));
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(0.1, false)]
    public void KlGate_AgainstPolicyLimit_PassesOrFails(double limit, bool passes)
    {
        MetricGatePolicy policy = MetricGatePolicy.FromPolicyDocument(FirstPartyPolicy.Resolve(
            new PolicyRequest("balanced", "dev", null, null, [$"metrics.kl.max_mean={limit}"])).Document);
        TokenComparisonAnalysis a = TokenComparisonAnalysis.Compute([Window(0.1, 0.2, 0.3, 0.4)], Settings)!;

        GateResult gate = GateEvaluator.Evaluate(GateInputsFor(policy, a)).Gates.Single(g => g.Id == GateEvaluator.KlAcceptable);

        Assert.Equal(passes, gate.Passed);
        Assert.Equal(0.25, gate.Value!.Value, 12);
    }

    [Fact]
    public void KlGate_SetButNotMeasured_Fails()
    {
        MetricGatePolicy policy = MetricGatePolicy.FromPolicyDocument(FirstPartyPolicy.Resolve(
            new PolicyRequest("balanced", "dev", null, null, ["metrics.kl.max_mean=1"])).Document);

        GateResult gate = GateEvaluator.Evaluate(GateInputsFor(policy, null)).Gates.Single(g => g.Id == GateEvaluator.KlAcceptable);

        Assert.False(gate.Passed);
        Assert.Contains("not measured", gate.Reason);
    }

    [Fact]
    public void Gates_NoSecondaryPolicy_NoSecondaryGate()
    {
        MetricGatePolicy policy = MetricGatePolicy.FromPolicyDocument(FirstPartyPolicy.Resolve(
            new PolicyRequest("balanced", "dev", null, null, [])).Document);

        GateOutcome outcome = GateEvaluator.Evaluate(GateInputsFor(policy, null));

        Assert.DoesNotContain(outcome.Gates, g => g.Id is GateEvaluator.KlAcceptable or GateEvaluator.Top1Acceptable);
    }

    private static GateInputs GateInputsFor(MetricGatePolicy policy, TokenComparisonAnalysis? comparison)
    {
        int[] ids = [0, 1, 2, 3];
        var losses = ids.Select(i => new Sdk.Models.WindowLoss(10 + i, 5)).ToList();
        PrimaryMetricAnalysis analysis = PrimaryMetricAnalysis.Compute(new ModelArm(ids, losses), new ModelArm(ids, losses),
            new ModelArm(ids, losses), new ModelArm(ids, losses), policy.BootstrapFor(1), policy.Tail);
        return new GateInputs
        {
            Analysis = analysis,
            Policy = policy,
            Guards = [],
            SequenceLength = 6,
            Stride = 6,
            StreamTokens = 1000,
            WindowTokens = 24,
            Aborted = false,
            TokenComparison = comparison,
        };
    }
}
