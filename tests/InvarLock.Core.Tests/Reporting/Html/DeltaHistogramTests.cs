using InvarLock.Core.Reporting.Html;

namespace InvarLock.Core.Tests.Reporting.Html;

public sealed class DeltaHistogramTests
{
    [Fact]
    public void Build_FourValuesTwoBins_SplitsAtMidpoint()
    {
        // ⌈√4⌉ = 2 bins over [0, 3]: [0, 1.5) holds 0 and 1, [1.5, 3] holds 2 and 3.
        DeltaHistogram h = DeltaHistogram.Build([3.0, 0.0, 2.0, 1.0]);

        Assert.Equal([2, 2], h.Counts);
        Assert.Equal(0.0, h.Lower);
        Assert.Equal(3.0, h.Upper);
        Assert.Equal(1.5, h.BinWidth);
        Assert.Equal(0, h.Missing);
    }

    [Fact]
    public void Build_MaximumValue_FallsInLastBin()
    {
        DeltaHistogram h = DeltaHistogram.Build([0.0, 0.25, 0.5, 0.75, 1.0], bins: 4);

        // Edges 0, .25, .5, .75, 1: the left edge belongs to its bin, the upper bound to the last bin.
        Assert.Equal([1, 1, 1, 2], h.Counts);
    }

    [Fact]
    public void Build_NegativeValues_BinnedByLeftEdge()
    {
        // Binary-exact values, so the bin edges are exact: width 0.25 over [-0.5, 0.75].
        DeltaHistogram h = DeltaHistogram.Build([-0.5, -0.25, 0.0, 0.25, 0.5, 0.75], bins: 5);

        Assert.Equal(0.25, h.BinWidth);
        Assert.Equal([1, 1, 1, 1, 2], h.Counts);
    }

    [Fact]
    public void Build_AllEqual_OneDegenerateBin()
    {
        DeltaHistogram h = DeltaHistogram.Build([0.0, 0.0, 0.0]);

        Assert.Equal([3], h.Counts);
        Assert.Equal(0.0, h.BinWidth);
    }

    [Fact]
    public void Build_MissingAndNonFinite_CountedNotDrawn()
    {
        DeltaHistogram h = DeltaHistogram.Build([0.1, null, double.NaN, double.PositiveInfinity, 0.2]);

        Assert.Equal(3, h.Missing);
        Assert.Equal(2, h.Total);
        Assert.Equal([1, 1], h.Counts);
    }

    [Fact]
    public void Build_NoFiniteValues_NoBins()
    {
        DeltaHistogram h = DeltaHistogram.Build([null, double.NaN]);

        Assert.Empty(h.Counts);
        Assert.Equal(2, h.Missing);
        Assert.Equal(0.0, h.BinWidth);
    }

    [Fact]
    public void Build_ManyValues_BinCountCapped()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (double?)(i * 0.001)).ToList();

        DeltaHistogram h = DeltaHistogram.Build(values);

        Assert.Equal(DeltaHistogram.MaxBins, h.Counts.Count);
        Assert.Equal(5000, h.Total);
    }

    [Fact]
    public void Build_NineValues_ThreeBinsBySquareRoot()
    {
        DeltaHistogram h = DeltaHistogram.Build([.. Enumerable.Range(0, 9).Select(i => (double?)i)]);

        Assert.Equal([3, 3, 3], h.Counts);
    }
}
