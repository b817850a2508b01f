using InvarLock.Core.Statistics;
using InvarLock.Numerics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Statistics;

/// <summary>Properties of the primary-metric analysis over hand-rolled random cases (fixed seeds).</summary>
public sealed class PrimaryMetricPropertyTests
{
    private const int Cases = 60;

    private static (ModelArm BasePrev, ModelArm BaseFinal, ModelArm SubjPrev, ModelArm SubjFinal) RandomArms(Random rng, double shift, double noise)
    {
        int n = rng.Next(2, 80);
        int[] previewIds = Enumerable.Range(0, n).Select(i => 2 * i).ToArray();
        int[] finalIds = Enumerable.Range(0, n).Select(i => 2 * i + 1).ToArray();
        WindowLoss Loss(int tokens) => new((2.5 + rng.NextDouble()) * tokens, tokens);
        var basePrev = previewIds.Select(_ => Loss(rng.Next(8, 512))).ToList();
        var baseFinal = finalIds.Select(_ => Loss(rng.Next(8, 512))).ToList();
        List<WindowLoss> Shift(List<WindowLoss> source) => source.Select(l =>
            new WindowLoss(l.LossSum + (shift + noise * (rng.NextDouble() - 0.3)) * l.TokenCount, l.TokenCount)).ToList();
        return (new ModelArm(previewIds, basePrev), new ModelArm(finalIds, baseFinal), new ModelArm(previewIds, Shift(basePrev)),
            new ModelArm(finalIds, Shift(baseFinal)));
    }

    private static BootstrapSettings Settings(Random rng) => new(BootstrapMethod.Bca, 500, 0.05, rng.Next());

    [Fact]
    public void Compute_RandomCases_CiContainsPointEstimate()
    {
        var rng = new Random(314);
        for (int c = 0; c < Cases; c++)
        {
            var arms = RandomArms(rng, rng.NextDouble() * 0.1 - 0.05, 0.05 + rng.NextDouble() * 0.2);
            var a = PrimaryMetricAnalysis.Compute(arms.BasePrev, arms.BaseFinal, arms.SubjPrev, arms.SubjFinal, Settings(rng), TailPolicy.Default);
            Assert.NotNull(a.Interval);
            double point = a.Interval!.Weighted ? a.Delta!.WeightedMean : a.Delta!.Mean;
            Assert.InRange(point, a.Interval.Lower, a.Interval.Upper);
            var ratioCi = a.RatioInterval!.Value;
            // The token-weighted mean Δ is ln(ratio): the ratio sits in the ratio CI whenever the weighted path ran.
            Assert.Equal(Math.Log(a.Ratio), a.Delta.WeightedMean, 1e-12);
            if (a.Interval.Weighted)
            {
                Assert.InRange(a.Ratio, ratioCi.Lower * (1 - 1e-12), ratioCi.Upper * (1 + 1e-12));
            }
        }
    }

    [Fact]
    public void Compute_NoopSubject_RatioOneAndCiOne()
    {
        var rng = new Random(2718);
        for (int c = 0; c < Cases; c++)
        {
            var arms = RandomArms(rng, 0, 0);
            var a = PrimaryMetricAnalysis.Compute(arms.BasePrev, arms.BaseFinal, arms.BasePrev, arms.BaseFinal, Settings(rng), TailPolicy.Default);
            Assert.Equal(1.0, a.Ratio);
            Assert.Equal((1.0, 1.0), a.RatioInterval);
            Assert.Equal(PrimaryMetricAnalysis.NoVariation, a.DegenerateReason);
            Assert.Null(a.InvalidReason);
        }
    }

    [Fact]
    public void Compute_SwappedModels_InvertsRatioAndCi()
    {
        var rng = new Random(1618);
        for (int c = 0; c < Cases; c++)
        {
            var arms = RandomArms(rng, rng.NextDouble() * 0.1, 0.1);
            BootstrapSettings settings = Settings(rng);
            var forward = PrimaryMetricAnalysis.Compute(arms.BasePrev, arms.BaseFinal, arms.SubjPrev, arms.SubjFinal, settings, TailPolicy.Default);
            var swapped = PrimaryMetricAnalysis.Compute(arms.SubjPrev, arms.SubjFinal, arms.BasePrev, arms.BaseFinal, settings, TailPolicy.Default);
            Assert.Equal(1.0, forward.Ratio * swapped.Ratio, 1e-12);
            var f = forward.RatioInterval!.Value;
            var s = swapped.RatioInterval!.Value;
            // Negating Δ mirrors the sorted replicates; BCa maps the lower quantile position to 1 − upper. Only the
            // rounding of Δ = s − b (not exactly −(b − s) after the per-window division) and ties at θ̂ separate them.
            Assert.Equal(1.0 / f.Upper, s.Lower, 1e-9);
            Assert.Equal(1.0 / f.Lower, s.Upper, 1e-9);
        }
    }

    [Fact]
    public void Compute_TokenWeighting_DiffersFromWindowAverage()
    {
        // Two windows: 10 tokens at loss 1 and 1000 tokens at loss 3 → token-weighted mean (10 + 3000)/1010.
        var ids = new[] { 0, 1 };
        var arm = new ModelArm(ids, [new WindowLoss(10, 10), new WindowLoss(3000, 1000)]);
        var a = PrimaryMetricAnalysis.Compute(arm, arm, arm, arm, new BootstrapSettings(BootstrapMethod.Bca, 100, 0.05, 1), TailPolicy.Default);
        Assert.Equal(3010.0 / 1010.0, a.BaselineFinal.MeanLoss);
        Assert.Equal(DeterministicMath.Exp(3010.0 / 1010.0), a.BaselineFinal.Perplexity);
    }

    [Fact]
    public void Compute_MissingAndUnexpectedIds_ReportedByPairing()
    {
        var baseline = new ModelArm([1, 2, 3], [new WindowLoss(3, 1), new WindowLoss(3, 1), new WindowLoss(3, 1)]);
        var subject = new ModelArm([2, 3, 9], [new WindowLoss(3.1, 1), new WindowLoss(3.2, 1), new WindowLoss(3, 1)]);
        var a = PrimaryMetricAnalysis.Compute(baseline, baseline, subject, subject, new BootstrapSettings(BootstrapMethod.Bca, 100, 0.05, 1),
            TailPolicy.Default);
        Assert.Equal(2, a.FinalPairing.Matched);
        Assert.Equal([1], a.FinalPairing.Missing);
        Assert.Equal([9], a.FinalPairing.Unexpected);
        Assert.Equal(0.5, a.FinalPairing.MatchFraction);
        Assert.Equal("final_missing_ids:[1]", a.FinalPairing.Reason("final"));
    }

    [Fact]
    public void Compute_NaNLoss_MarksMetricInvalidWithoutThrowing()
    {
        var ids = new[] { 0, 1, 2 };
        var baseline = new ModelArm(ids, [new WindowLoss(3, 1), new WindowLoss(3, 1), new WindowLoss(3, 1)]);
        var subject = new ModelArm(ids, [new WindowLoss(3, 1), new WindowLoss(double.NaN, 1), new WindowLoss(3, 1)]);
        var a = PrimaryMetricAnalysis.Compute(baseline, baseline, subject, subject, new BootstrapSettings(BootstrapMethod.Bca, 100, 0.05, 1),
            TailPolicy.Default);
        Assert.Equal("non_finite_pm", a.InvalidReason);
        Assert.Null(a.Interval);
    }

    [Fact]
    public void Compute_SingleWindow_IsDegenerateSinglePair()
    {
        var baseline = new ModelArm([0], [new WindowLoss(3, 1)]);
        var subject = new ModelArm([0], [new WindowLoss(3.5, 1)]);
        var a = PrimaryMetricAnalysis.Compute(baseline, baseline, subject, subject, new BootstrapSettings(BootstrapMethod.Bca, 100, 0.05, 1),
            TailPolicy.Default);
        Assert.Equal(PrimaryMetricAnalysis.SinglePair, a.DegenerateReason);
        Assert.Equal(a.Interval!.Lower, a.Interval.Upper);
        Assert.Equal(0.5, a.Interval.Lower);
    }

    [Fact]
    public void Compute_NoPairs_IsInvalid()
    {
        var baseline = new ModelArm([0], [new WindowLoss(3, 1)]);
        var subject = new ModelArm([5], [new WindowLoss(3.5, 1)]);
        var a = PrimaryMetricAnalysis.Compute(baseline, baseline, subject, subject, new BootstrapSettings(BootstrapMethod.Bca, 100, 0.05, 1),
            TailPolicy.Default);
        Assert.Equal(PrimaryMetricAnalysis.NoPairs, a.InvalidReason);
        Assert.Null(a.RatioInterval);
    }
}
