using InvarLock.Core.Statistics;

namespace InvarLock.Core.Tests.Statistics;

/// <summary>The tail gate's edges that mutation testing (docs/security/mutation-testing.md) showed no test pinned: strict
/// comparisons at the limits, the off mode, a policy without limits, weight alignment and sanitising.</summary>
public sealed class TailStatisticsBoundaryTests
{
    [Fact]
    public void Compute_QuantileEqualToLimit_NoViolation()
    {
        // Four equal deltas: every quantile is 0.2, exactly quantile_max.
        var t = TailStatistics.Compute([0.2, 0.2, 0.2, 0.2], null, new TailPolicy("fail", 1, 0.95, 0.2, 1.0, null));

        Assert.True(t.Evaluated);
        Assert.True(t.Passed);
        Assert.Empty(t.Violations);
    }

    [Fact]
    public void Compute_MassEqualToLimit_NoViolation()
    {
        // Two of four deltas above ε: mass 0.5, exactly mass_max.
        var t = TailStatistics.Compute([0, 0, 1, 1], null, new TailPolicy("fail", 1, 0.5, null, 0.5, 0.5));

        Assert.Equal(0.5, t.TailMass);
        Assert.True(t.Passed);
    }

    [Fact]
    public void Compute_DeltaEqualToEpsilon_NotInTheTail()
    {
        var t = TailStatistics.Compute([0.1, 0.1, 0.3], null, new TailPolicy("warn", 1, 0.5, null, 0.1, null));

        Assert.Equal(1.0 / 3.0, t.TailMass, 1e-15);
    }

    [Fact]
    public void Compute_ModeOff_NotEvaluatedEvenOverTheLimits()
    {
        var policy = new TailPolicy("off", 1, 0.95, 0.0, 0.0, 0.0);

        var t = TailStatistics.Compute([5, 6, 7], null, policy);

        Assert.False(t.Evaluated);
        Assert.True(t.Passed);
        Assert.False(t.Warned);
        Assert.True(t.Acceptable(policy));
    }

    [Fact]
    public void Compute_NoLimits_NotEvaluated()
    {
        var t = TailStatistics.Compute([5, 6, 7], null, new TailPolicy("fail", 1, 0.95, null, 0.0, null));

        Assert.False(t.Evaluated);
        Assert.Empty(t.Violations);
    }

    [Fact]
    public void Compute_OnlyQuantileOver_OnlyQuantileViolation()
    {
        var t = TailStatistics.Compute([1, 1, 1, 1], null, new TailPolicy("warn", 1, 0.5, 0.5, 2.0, 0.9));

        Assert.Equal([TailStatistics.QuantileMaxExceeded], t.Violations);
        Assert.True(t.Warned);
    }

    [Fact]
    public void Compute_NonFiniteDeltaWithWeights_KeepsTheOtherWeightsAligned()
    {
        // The NaN window and its weight are dropped together: above ε are 2 (weight 3) and 4 (weight 1) of total 3+1+6.
        var t = TailStatistics.Compute([2, double.NaN, 4, 0], [3, 100, 1, 6], new TailPolicy("warn", 1, 0.5, null, 1.0, null));

        Assert.Equal(3, t.Count);
        Assert.Equal(0.4, t.TailMassWeighted!.Value, 1e-15);
    }

    [Fact]
    public void Compute_BadWeights_CountAsZero()
    {
        // Negative, NaN and infinite weights weigh nothing; the one positive weight is above ε.
        var t = TailStatistics.Compute([2, 3, 4, 5], [-1, double.NaN, double.PositiveInfinity, 2], new TailPolicy("warn", 1, 0.5, null, 1.0, null));

        Assert.Equal(1.0, t.TailMassWeighted!.Value);
    }

    [Fact]
    public void Compute_AllWeightsZero_NoWeightedMass()
    {
        var t = TailStatistics.Compute([2, 3], [0, 0], new TailPolicy("warn", 1, 0.5, null, 1.0, null));

        Assert.Null(t.TailMassWeighted);
        Assert.Equal(1.0, t.TailMass);
    }

    [Fact]
    public void Compute_WeightCountMismatch_NoWeightedMass()
    {
        var t = TailStatistics.Compute([2, 3], [1], new TailPolicy("warn", 1, 0.5, null, 1.0, null));

        Assert.Null(t.TailMassWeighted);
    }

    [Fact]
    public void Compute_Unsorted_MaxAndMedianFromTheSortedValues()
    {
        var t = TailStatistics.Compute([9, 1, 5], null, TailPolicy.Default);

        Assert.Equal(9, t.Max);
        Assert.Equal(5, t.Q50);
    }

    [Fact]
    public void Sanitized_OutOfRangeValues_AreClamped()
    {
        var s = new TailPolicy("loud", 0, 1.5, 0.3, -1.0, 2.0).Sanitized();

        Assert.Equal(new TailPolicy("warn", 1, 1.0, 0.3, 0.0, 1.0), s);
        Assert.Equal(0.0, new TailPolicy("fail", 5, -0.5, null, 0.5, -3.0).Sanitized().Quantile);
        Assert.Equal(0.0, new TailPolicy("fail", 5, -0.5, null, 0.5, -3.0).Sanitized().MassMax);
        Assert.Null(new TailPolicy("off", 5, 0.5, null, 0.5, null).Sanitized().MassMax);
        Assert.Equal("off", new TailPolicy("off", 5, 0.5, null, 0.5, null).Sanitized().Mode);
    }

    [Fact]
    public void Acceptable_FailModeEvaluatedAndFailed_False_WarnModeTrue()
    {
        double[] deltas = [1, 1, 1];
        var fail = new TailPolicy("fail", 1, 0.5, 0.5, 0.0, null);
        var warn = fail with { Mode = "warn" };

        Assert.False(TailStatistics.Compute(deltas, null, fail).Acceptable(fail));
        Assert.True(TailStatistics.Compute(deltas, null, warn).Acceptable(warn));
    }
    [Fact]
    public void Compute_NoFiniteValues_PassesWithoutWarning()
    {
        var t = TailStatistics.Compute([double.NaN, double.PositiveInfinity], null, new TailPolicy("warn", 1, 0.5, 0.0, 0.0, 0.0));

        Assert.True(t.Passed);
        Assert.False(t.Warned);
        Assert.Empty(t.Violations);
    }

    [Fact]
    public void Compute_EvaluatedAndPassedInWarnMode_NotWarned()
    {
        var t = TailStatistics.Compute([0, 0, 0], null, new TailPolicy("warn", 1, 0.5, 1.0, 0.5, 0.5));

        Assert.True(t.Evaluated);
        Assert.True(t.Passed);
        Assert.False(t.Warned);
    }

    [Fact]
    public void Compute_NullArguments_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => TailStatistics.Compute(null!, null, TailPolicy.Default));
        Assert.Throws<ArgumentNullException>(() => TailStatistics.Compute([1.0], null, null!));
    }

    [Theory]
    [InlineData("off")]
    [InlineData("warn")]
    [InlineData("fail")]
    public void Sanitized_KnownMode_Kept(string mode) => Assert.Equal(mode, new TailPolicy(mode, 1, 0.5, null, 0, null).Sanitized().Mode);

    [Fact]
    public void Default_IsTheBalancedTier() => Assert.Equal(new TailPolicy("warn", 50, 0.95, 0.20, 1e-4, 1.0), TailPolicy.Default);
}
