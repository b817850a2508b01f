using InvarLock.Core.Statistics;
using InvarLock.Numerics;

namespace InvarLock.Core.Tests.Statistics;

/// <summary>evaluation.md §9 items 53–56.</summary>
public sealed class TailStatisticsTests
{
    [Fact]
    public void Compute_ReferenceDeltas_MatchesQuantilesAndMass()
    {
        var t = TailStatistics.Compute([3, 0, 2, 1], null, new TailPolicy("warn", 1, 0.95, null, 1.5, null));
        Assert.Equal(1.5, t.Q50!.Value, 1e-12);
        Assert.Equal(2.7, t.Q90!.Value, 1e-12);
        Assert.Equal(2.85, t.Q95!.Value, 1e-12);
        Assert.Equal(2.97, t.Q99!.Value, 1e-12);
        Assert.Equal(3.0, t.Max);
        Assert.Equal(0.5, t.TailMass);
    }

    [Fact]
    public void Compute_Weights_GiveWeightedMass()
    {
        var t = TailStatistics.Compute([0, 2, 3], [1, 10, 10], new TailPolicy("warn", 1, 0.95, null, 1.5, null));
        Assert.Equal(2.0 / 3.0, t.TailMass, 1e-15);
        Assert.Equal(20.0 / 21.0, t.TailMassWeighted!.Value, 1e-15);
    }

    [Fact]
    public void Compute_TooFewWindows_NotEvaluatedAndPasses()
    {
        var t = TailStatistics.Compute([5, 6], null, new TailPolicy("fail", 3, 0.95, 0.1, 1e-4, 0.1));
        Assert.False(t.Evaluated);
        Assert.True(t.Passed);
        Assert.True(t.Acceptable(new TailPolicy("fail", 3, 0.95, 0.1, 1e-4, 0.1)));
    }

    [Theory]
    [InlineData("warn", true, true)]
    [InlineData("fail", false, false)]
    public void Compute_ReferencePolicyCase_WarnsOrFails(string mode, bool acceptable, bool warned)
    {
        var policy = new TailPolicy(mode, 4, 0.95, 0.05, 0.05, 0.25);
        double[] delta = [1.0 - 1.0, 1.1 - 1.0, 1.1 - 1.0, 1.1 - 1.0];
        var t = TailStatistics.Compute(delta, null, policy);
        Assert.True(t.Evaluated);
        Assert.False(t.Passed);
        Assert.Equal(warned, t.Warned);
        Assert.Equal(acceptable, t.Acceptable(policy));
        Assert.Equal([TailStatistics.QuantileMaxExceeded, TailStatistics.TailMassExceeded], t.Violations);
        Assert.Equal(0.1, t.Q95!.Value, 1e-12);
        Assert.Equal(0.75, t.TailMass);
    }

    [Fact]
    public void Compute_NoValues_HasNoQuantiles()
    {
        var t = TailStatistics.Compute([double.NaN], null, TailPolicy.Default);
        Assert.Equal(0, t.Count);
        Assert.Null(t.Q95);
        Assert.Equal(0.0, t.TailMass);
        Assert.False(t.Evaluated);
    }
}
