using InvarLock.Core.Statistics;
using InvarLock.Numerics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Statistics;

/// <summary>Exact values of the primary-metric analysis on small hand-made arms: pooling, pairing, Δ summary, drift,
/// degenerate and invalid reasons, and the pairing bookkeeping the interval depends on.</summary>
public sealed class PrimaryMetricAnalysisTests
{
    private static readonly BootstrapSettings Settings = new(BootstrapMethod.Bca, 200, 0.05, 11);

    private static ModelArm Arm(params (int Id, double Loss, int Tokens)[] windows) =>
        new(windows.Select(w => w.Id).ToArray(), windows.Select(w => new WindowLoss(w.Loss, w.Tokens)).ToArray());

    private static PrimaryMetricAnalysis Compute(ModelArm baseFinal, ModelArm subjectFinal, ModelArm? basePreview = null,
        ModelArm? subjectPreview = null) =>
        PrimaryMetricAnalysis.Compute(basePreview ?? Arm((100, 2.0, 1)), baseFinal, subjectPreview ?? Arm((100, 2.0, 1)), subjectFinal,
            Settings, TailPolicy.Default);

    [Fact]
    public void From_Windows_PoolsLossAndTokens()
    {
        PerplexitySummary s = PerplexitySummary.From([new WindowLoss(2.0, 1), new WindowLoss(9.0, 3)]);

        Assert.Equal(new PerplexitySummary(2, 11.0, 4, 2.75, DeterministicMath.Exp(2.75)), s);
        Assert.True(s.IsFinite);
    }

    [Fact]
    public void From_NoWindows_NaN()
    {
        PerplexitySummary s = PerplexitySummary.From([]);

        Assert.Equal(0, s.Windows);
        Assert.Equal(0.0, s.LossSum);
        Assert.Equal(0, s.TokenCount);
        Assert.True(double.IsNaN(s.MeanLoss));
        Assert.False(s.IsFinite);
    }

    [Fact]
    public void From_WindowWithoutTokens_NaNButTotalsKept()
    {
        PerplexitySummary s = PerplexitySummary.From([new WindowLoss(1.0, 0), new WindowLoss(4.0, 2)]);

        Assert.Equal(2, s.Windows);
        Assert.Equal(5.0, s.LossSum);
        Assert.Equal(2, s.TokenCount);
        Assert.True(double.IsNaN(s.MeanLoss));
        Assert.True(double.IsNaN(s.Perplexity));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void From_NonFiniteLoss_NaN(double loss)
    {
        PerplexitySummary s = PerplexitySummary.From([new WindowLoss(3.0, 2), new WindowLoss(loss, 2)]);

        Assert.True(double.IsNaN(s.MeanLoss));
        Assert.False(s.IsFinite);
    }

    [Fact]
    public void From_PerplexityOverflows_NotFinite()
    {
        PerplexitySummary s = PerplexitySummary.From([new WindowLoss(1000.0, 1)]);

        Assert.Equal(1000.0, s.MeanLoss);
        Assert.False(s.IsFinite);
    }

    [Fact]
    public void Compute_PairedArms_DeltasWeightsAndSummary()
    {
        // Final arm: Δ = subject mean − baseline mean per window = 0.5, 1.0, −0.25 with weights 2, 4, 4.
        PrimaryMetricAnalysis a = Compute(
            Arm((1, 4.0, 2), (2, 8.0, 4), (3, 12.0, 4)),
            Arm((1, 5.0, 2), (2, 12.0, 4), (3, 11.0, 4)));

        Assert.Equal([0.5, 1.0, -0.25], a.Deltas);
        Assert.Equal([2.0, 4.0, 4.0], a.DeltaWeights);
        PairedDeltaSummary d = a.Delta!;
        Assert.Equal(3, d.Count);
        Assert.Equal((0.5 * 2 + 1.0 * 4 - 0.25 * 4) / 10.0, d.WeightedMean, 1e-15);
        Assert.Equal(1.25 / 3.0, d.Mean, 1e-15);
        double m = 1.25 / 3.0;
        double variance = ((0.5 - m) * (0.5 - m) + (1.0 - m) * (1.0 - m) + (-0.25 - m) * (-0.25 - m)) / 2.0;
        Assert.Equal(Math.Sqrt(variance), d.StandardDeviation, 1e-15);
        Assert.Equal(-0.25, d.Min);
        Assert.Equal(1.0, d.Max);
        Assert.Null(a.DegenerateReason);
        Assert.Null(a.InvalidReason);
        Assert.Equal(DeterministicMath.Exp(28.0 / 10.0) / DeterministicMath.Exp(24.0 / 10.0), a.Ratio);
        Assert.Same(Settings, a.Bootstrap);
    }

    [Fact]
    public void Compute_PreviewAndFinal_DriftIsFinalOverPreview()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 3.0, 1)), Arm((1, 4.0, 1)), Arm((0, 2.0, 1)), Arm((0, 2.5, 1)));

        Assert.Equal(DeterministicMath.Exp(3.0) / DeterministicMath.Exp(2.0), a.BaselineDrift);
        Assert.Equal(DeterministicMath.Exp(4.0) / DeterministicMath.Exp(2.5), a.SubjectDrift);
        Assert.Equal(2.0, a.BaselinePreview.LossSum);
        Assert.Equal(2.5, a.SubjectPreview.LossSum);
        Assert.Equal(3.0, a.BaselineFinal.LossSum);
        Assert.Equal(4.0, a.SubjectFinal.LossSum);
    }

    [Fact]
    public void Compute_PreviewNotFinite_DriftNaN()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 3.0, 1)), Arm((1, 4.0, 1)), Arm((0, double.NaN, 1)), Arm((0, 1000.0, 1)));

        Assert.True(double.IsNaN(a.BaselineDrift));
        Assert.True(double.IsNaN(a.SubjectDrift));
    }

    [Fact]
    public void Compute_PreviewPerplexityUnderflowsToZero_DriftNaN()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 3.0, 1)), Arm((1, 4.0, 1)), Arm((0, -1000.0, 1)), Arm((0, -1000.0, 1)));

        Assert.Equal(0.0, a.BaselinePreview.Perplexity);
        Assert.True(double.IsNaN(a.BaselineDrift));
        Assert.True(double.IsNaN(a.SubjectDrift));
    }

    [Fact]
    public void Compute_BaselinePerplexityUnderflowsToZero_RatioNaNAndInvalid()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, -1000.0, 1), (2, -1000.0, 1)), Arm((1, 1.0, 1), (2, 2.0, 1)));

        Assert.Equal(0.0, a.BaselineFinal.Perplexity);
        Assert.True(double.IsNaN(a.Ratio));
        Assert.Equal("non_finite_pm", a.InvalidReason);
    }

    [Fact]
    public void Compute_SubjectNotFinite_NonFinitePm()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1), (2, 2.0, 1)), Arm((1, 1.0, 1), (2, double.PositiveInfinity, 1)));

        Assert.Equal("non_finite_pm", a.InvalidReason);
        Assert.True(double.IsNaN(a.Ratio));
        Assert.Null(a.Interval);
        Assert.Null(a.DegenerateReason);
    }

    [Fact]
    public void Compute_FiniteArmsButOverflowingRatio_NonFinitePm()
    {
        // Both perplexities finite, their quotient is not.
        PrimaryMetricAnalysis a = Compute(Arm((1, -700.0, 1)), Arm((1, 700.0, 1)));

        Assert.True(a.BaselineFinal.IsFinite);
        Assert.True(a.SubjectFinal.IsFinite);
        Assert.False(double.IsFinite(a.Ratio));
        Assert.Equal("non_finite_pm", a.InvalidReason);
    }

    [Fact]
    public void Compute_NoFinalPairs_NoPairsWithoutSummary()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1)), Arm((2, 1.0, 1)));

        Assert.Equal(PrimaryMetricAnalysis.NoPairs, a.InvalidReason);
        Assert.Equal(PrimaryMetricAnalysis.NoPairs, a.DegenerateReason);
        Assert.Null(a.Delta);
        Assert.Null(a.Interval);
        Assert.Empty(a.Deltas);
        Assert.False(a.Tail.Evaluated);
    }

    [Fact]
    public void Compute_EqualDeltas_NoVariation()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1), (2, 2.0, 2)), Arm((1, 1.5, 1), (2, 3.0, 2)));

        Assert.Equal(PrimaryMetricAnalysis.NoVariation, a.DegenerateReason);
        Assert.Equal(0.5, a.Interval!.Lower, 1e-12);
        Assert.Equal(0.5, a.Interval.Upper, 1e-12);
        Assert.Equal(0.0, a.Delta!.StandardDeviation);
    }

    [Fact]
    public void Compute_SinglePair_StandardDeviationZero()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1)), Arm((1, 1.75, 1)));

        Assert.Equal(PrimaryMetricAnalysis.SinglePair, a.DegenerateReason);
        Assert.Equal(new PairedDeltaSummary(1, 0.75, 0.75, 0.0, 0.75, 0.75), a.Delta);
    }

    [Fact]
    public void Compute_WindowWithoutTokensInBothArms_PairsWithNaNDeltaAndNonFinitePm()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1), (2, 0.0, 0)), Arm((1, 1.5, 1), (2, 0.0, 0)));

        Assert.Equal("non_finite_pm", a.InvalidReason);
        Assert.Null(a.Interval);
        Assert.Null(a.DegenerateReason);
        Assert.Equal(0.5, a.Deltas[0]);
        Assert.True(double.IsNaN(a.Deltas[1]));
    }

    [Fact]
    public void Compute_DeltaOverflowsWithFiniteArms_NonFiniteDelta()
    {
        // Each arm pools to a finite perplexity (the huge losses cancel) while the per-window Δ overflow.
        PrimaryMetricAnalysis a = Compute(Arm((1, -1e308, 1), (2, 1e308, 1)), Arm((1, 1e308, 1), (2, -1e308, 1)));

        Assert.Equal(1.0, a.Ratio);
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], a.Deltas);
        Assert.Equal("non_finite_delta", a.InvalidReason);
        Assert.Null(a.Interval);
        Assert.Null(a.DegenerateReason);
    }

    [Fact]
    public void Compute_DuplicateAndMismatchedWindows_ReportedAndSkipped()
    {
        ModelArm baseline = Arm((1, 2.0, 2), (2, 3.0, 3), (2, 3.0, 3), (3, 4.0, 4), (5, 1.0, 1));
        ModelArm subject = Arm((3, 6.0, 4), (1, 3.0, 2), (1, 9.0, 2), (3, 1.0, 4), (2, 3.0, 2), (7, 1.0, 1));

        PrimaryMetricAnalysis a = Compute(baseline, subject);
        WindowPairing p = a.FinalPairing;

        Assert.Equal(4, p.Expected);
        Assert.Equal(2, p.Matched);
        Assert.Equal([5], p.Missing);
        Assert.Equal([7], p.Unexpected);
        Assert.Equal([1, 2, 3], p.DuplicateIds);
        Assert.Equal([2], p.TokenCountMismatches);
        Assert.Equal([0.5, 0.5], a.Deltas);
        Assert.Equal([4.0, 2.0], a.DeltaWeights);
        Assert.Equal(2.0 / 5.0, p.MatchFraction);
        Assert.False(p.Perfect);
    }

    [Fact]
    public void Compute_UnpairedSubjectWindows_IntervalAsIfOnlyPairsWereScored()
    {
        // The interval resamples the matched pairs' means: skipped windows (duplicate, unknown, token mismatch) must
        // not shift which means are paired.
        ModelArm baseline = Arm((1, 2.0, 2), (2, 3.0, 3), (3, 4.0, 4), (4, 10.0, 5));
        ModelArm messy = Arm((9, 50.0, 1), (1, 3.0, 2), (1, 30.0, 2), (2, 99.0, 1), (3, 2.0, 4), (4, 12.0, 5));
        ModelArm clean = Arm((1, 3.0, 2), (3, 2.0, 4), (4, 12.0, 5));
        ModelArm cleanBaseline = Arm((1, 2.0, 2), (3, 4.0, 4), (4, 10.0, 5));

        PrimaryMetricAnalysis fromMessy = Compute(baseline, messy);
        PrimaryMetricAnalysis fromClean = Compute(cleanBaseline, clean);

        Assert.Equal(fromClean.Deltas, fromMessy.Deltas);
        Assert.NotNull(fromMessy.Interval);
        Assert.Equal(fromClean.Interval!.Lower, fromMessy.Interval!.Lower);
        Assert.Equal(fromClean.Interval.Upper, fromMessy.Interval.Upper);
    }

    [Fact]
    public void Compute_MisalignedArm_ArgumentExceptionNamingBothCounts()
    {
        var misaligned = new ModelArm([1, 2], [new WindowLoss(1.0, 1)]);
        ModelArm ok = Arm((1, 1.0, 1));

        foreach (Func<PrimaryMetricAnalysis> call in new Func<PrimaryMetricAnalysis>[]
                 {
                     () => PrimaryMetricAnalysis.Compute(misaligned, ok, ok, ok, Settings, TailPolicy.Default),
                     () => PrimaryMetricAnalysis.Compute(ok, misaligned, ok, ok, Settings, TailPolicy.Default),
                     () => PrimaryMetricAnalysis.Compute(ok, ok, misaligned, ok, Settings, TailPolicy.Default),
                     () => PrimaryMetricAnalysis.Compute(ok, ok, ok, misaligned, Settings, TailPolicy.Default),
                 })
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.Equal("An arm lists 2 window ids but 1 losses.", error.Message);
        }
    }

    [Fact]
    public void Compute_NullArgument_ArgumentNullException()
    {
        ModelArm ok = Arm((1, 1.0, 1));

        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(null!, ok, ok, ok, Settings, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(ok, null!, ok, ok, Settings, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(ok, ok, null!, ok, Settings, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(ok, ok, ok, null!, Settings, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(ok, ok, ok, ok, null!, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => PrimaryMetricAnalysis.Compute(ok, ok, ok, ok, Settings, null!));
    }

    [Fact]
    public void Compute_TailUsesFinalDeltasAndPolicy()
    {
        var policy = new TailPolicy("fail", 2, 0.5, 0.1, 1e-4, 1.0);
        PrimaryMetricAnalysis a = PrimaryMetricAnalysis.Compute(Arm((0, 1.0, 1)), Arm((1, 1.0, 1), (2, 1.0, 1), (3, 1.0, 1)),
            Arm((0, 1.0, 1)), Arm((1, 1.5, 1), (2, 1.5, 1), (3, 1.5, 1)), Settings, policy);

        Assert.True(a.Tail.Evaluated);
        Assert.Equal(3, a.Tail.Count);
        Assert.Equal(0.5, a.Tail.PolicyQuantileValue!.Value, 1e-12);
        Assert.False(a.Tail.Passed);
    }

    [Fact]
    public void RatioInterval_ExpOfInterval()
    {
        PrimaryMetricAnalysis a = Compute(Arm((1, 1.0, 1), (2, 1.0, 1), (3, 1.0, 1)), Arm((1, 1.1, 1), (2, 1.4, 1), (3, 0.9, 1)));

        Assert.Equal((DeterministicMath.Exp(a.Interval!.Lower), DeterministicMath.Exp(a.Interval.Upper)), a.RatioInterval);
        Assert.True(a.Interval.Lower < a.Interval.Upper);
    }
}
