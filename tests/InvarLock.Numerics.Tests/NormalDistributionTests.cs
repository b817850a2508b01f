namespace InvarLock.Numerics.Tests;

public sealed class NormalDistributionTests
{
    [Fact]
    public void Erf_Half_MatchesHighPrecision() =>
        BootstrapGoldenTests.AssertWithinUlps(0.5204998778130465, NormalDistribution.Erf(0.5), 2); // erf(0.5) = 0.520499877813046537…

    [Fact]
    public void Quantile_0975_Is1Point96() => Assert.Equal(1.959963984540054, NormalDistribution.Quantile(0.975), 1e-15);

    [Theory]
    [InlineData(0.025, -1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(1e-6, -4.753424308822899)]
    public void Quantile_MatchesKnownQuantiles(double p, double z) => Assert.Equal(z, NormalDistribution.Quantile(p), 1e-14);

    [Fact]
    public void Quantile_InvertsCdf()
    {
        for (double p = 0.001; p < 1.0; p += 0.0137)
        {
            Assert.Equal(p, NormalDistribution.Cdf(NormalDistribution.Quantile(p)), 1e-14);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.Quantile(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.Quantile(1.0));
    }

    [Fact]
    public void Erfc_LargeArguments_KeepRelativeAccuracy()
    {
        // erfc(4) = 1.541725790028002e-08 (tables).
        Assert.Equal(1.541725790028002e-08, NormalDistribution.Erfc(4.0), 1e-22);
        Assert.Equal(2.0 - NormalDistribution.Erfc(1.0), NormalDistribution.Erfc(-1.0), 15);
        Assert.Equal(1.0 - NormalDistribution.Erf(1.0), NormalDistribution.Erfc(1.0));
    }

    [Fact]
    public void TwoSidedPValue_NonFinite_IsOne()
    {
        Assert.Equal(1.0, NormalDistribution.TwoSidedPValue(double.NaN));
        Assert.Equal(1.0, NormalDistribution.TwoSidedPValue(0.0));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.9, 0.9999589021219005)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(-1.5, -0.9661051464753108)]
    public void Erf_PythonValues_Match(double x, double expected)
    {
        // Moved from the compute kernel tests with GELU's erf. Reference values from Python's math.erf (double precision).
        Assert.Equal(expected, NormalDistribution.Erf(x), 1e-14);
    }
}
