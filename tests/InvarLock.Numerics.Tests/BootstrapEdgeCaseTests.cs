namespace InvarLock.Numerics.Tests;

/// <summary>The bootstrap edge cases of evaluation.md §9 items 1–10.</summary>
public sealed class BootstrapEdgeCaseTests
{
    private static BootstrapSettings Bca(int replicates = 200, double alpha = 0.05, long seed = 0) => new(BootstrapMethod.Bca, replicates, alpha, seed);

    [Fact]
    public void MeanInterval_EmptySample_Throws() => Assert.Throws<ArgumentException>(() => Bootstrap.MeanInterval([], Bca()));

    [Fact]
    public void MeanInterval_NaNSample_Throws() => Assert.Throws<ArgumentException>(() => Bootstrap.MeanInterval([1.0, double.NaN], Bca()));

    [Fact]
    public void MeanInterval_ZeroReplicates_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.MeanInterval([1.0, 2.0], Bca(replicates: 0)));

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(0.0)]
    public void PairedDeltaInterval_AlphaOutOfRange_Throws(double alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.PairedDeltaInterval([1.0, 2.0], [0.5, 0.7], [], Bca(alpha: alpha)));

    [Fact]
    public void MeanInterval_ConstantSample_FallsBackToPercentileAndCollapses()
    {
        BootstrapInterval ci = Bootstrap.MeanInterval([1.23, 1.23, 1.23], Bca());
        Assert.Equal(BootstrapInterval.PathBcaFallback, ci.Path);
        Assert.Equal(1.23, ci.Lower);
        Assert.Equal(1.23, ci.Upper);
    }

    [Fact]
    public void PairedDeltaInterval_EqualArrays_IsExactlyZero()
    {
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval([1.0, 1.0], [1.0, 1.0], [], Bca());
        Assert.Equal(0.0, ci.Lower);
        Assert.Equal(0.0, ci.Upper);
        Assert.Equal(BootstrapInterval.PathCollapsed, ci.Path);
    }

    [Fact]
    public void PairedDeltaInterval_ConstantDelta_CollapsesToTheDelta()
    {
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval([0.5, 0.5], [0.4, 0.4], [], Bca());
        Assert.Equal(0.09999999999999998, ci.Lower);
        Assert.Equal(ci.Lower, ci.Upper);
    }

    [Fact]
    public void PairedDeltaInterval_DifferentLengths_TruncatesToCommonLength()
    {
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval([1.0, 2.0, 3.0], [0.5, 0.7], [], Bca());
        Assert.True(ci.Lower <= ci.Upper);
        Assert.InRange(ci.Lower, 0.5, 1.3);
        Assert.InRange(ci.Upper, 0.5, 1.3);
    }

    [Fact]
    public void PairedDeltaInterval_OneWeightedReplicate_EqualsMeanOfNumpyChoice()
    {
        // numpy: default_rng(123).choice(3, 3, p=[1, 10, 1]/12) = [1, 0, 1] → δ = [.3, .1, .3] → mean 0.2333…
        var settings = new BootstrapSettings(BootstrapMethod.Percentile, 1, 0.05, 123);
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval([0.2, 0.4, 0.6], [0.1, 0.1, 0.1], [1, 10, 1], settings);
        Assert.True(ci.Weighted);
        Assert.Equal(0.7 / 3.0, ci.Lower, 1e-15);
        Assert.Equal(ci.Lower, ci.Upper);
    }

    [Fact]
    public void PairedDeltaInterval_EqualWeights_SameAsUnweighted()
    {
        double[] f = [3.4, 3.3, 3.25, 3.5, 3.1];
        double[] p = [3.0, 3.1, 3.2, 3.05, 3.3];
        BootstrapInterval weighted = Bootstrap.PairedDeltaInterval(f, p, [5, 5, 5, 5, 5], Bca(seed: 9));
        BootstrapInterval plain = Bootstrap.PairedDeltaInterval(f, p, [], Bca(seed: 9));
        Assert.False(weighted.Weighted);
        Assert.Equal(plain, weighted);
    }

    [Fact]
    public void PairedDeltaInterval_SingleValue_IsThePoint()
    {
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval([2.5], [2.0], [], Bca());
        Assert.Equal(0.5, ci.Lower);
        Assert.Equal(0.5, ci.Upper);
        Assert.Equal(BootstrapInterval.PathSingleValue, ci.Path);
    }

    [Fact]
    public void PairedDeltaInterval_SameSeed_IsBitIdentical()
    {
        var rng = new Random(5);
        double[] a = Enumerable.Range(0, 300).Select(_ => rng.NextDouble()).ToArray();
        double[] b = Enumerable.Range(0, 300).Select(_ => rng.NextDouble()).ToArray();
        BootstrapInterval first = Bootstrap.PairedDeltaInterval(a, b, [], Bca(replicates: 3200, seed: 545));
        BootstrapInterval second = Bootstrap.PairedDeltaInterval(a, b, [], Bca(replicates: 3200, seed: 545));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Lower), BitConverter.DoubleToInt64Bits(second.Lower));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Upper), BitConverter.DoubleToInt64Bits(second.Upper));
        BootstrapInterval other = Bootstrap.PairedDeltaInterval(a, b, [], Bca(replicates: 3200, seed: 546));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void NextInt_ManyDraws_IsUnbiased()
    {
        // 3 does not divide 2^32, so a modulo-based draw would be biased; Lemire's rejection is not.
        var rng = new Pcg64Random(77);
        var counts = new int[3];
        const int draws = 300_000;
        for (int i = 0; i < draws; i++)
        {
            counts[rng.NextInt(3)]++;
        }

        // Binomial standard deviation sqrt(n p (1-p)) ≈ 258; allow 5 sigma.
        foreach (int c in counts)
        {
            Assert.InRange(c, draws / 3 - 1300, draws / 3 + 1300);
        }
    }
}
