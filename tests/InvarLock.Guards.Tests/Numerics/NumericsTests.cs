using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Common;
using InvarLock.Guards.Numerics;

namespace InvarLock.Guards.Tests.Numerics;

public class NumericsTests
{
    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(4.0, "4")]
    [InlineData(-0.0, "0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123.456, "123.456")]
    [InlineData(-1.5e-10, "-1.5e-10")]
    [InlineData(5e-324, "5e-324")]
    public void FormatNumber_EcmaScriptForms(double x, string expected) => Assert.Equal(expected, CanonicalJson.FormatNumber(x));

    [Fact]
    public void Serialize_SortsKeysByCodeUnitAndEscapes()
    {
        var o = new JsonObject { ["b"] = 1, ["a"] = new JsonArray(true, null, "x\n\"y\""), ["A"] = 0.5 };
        Assert.Equal("{\"A\":0.5,\"a\":[true,null,\"x\\n\\\"y\\\"\"],\"b\":1}", CanonicalJson.Serialize(o));
    }

    [Fact]
    public void TopSingularValue_ZeroMatrix_ReturnsEps() => Assert.Equal(1e-12, PowerIteration.TopSingularValue(new float[6], 2, 3, 4));

    [Fact]
    public void TopSingularValue_NaNMatrix_ReturnsZero() => Assert.Equal(0.0, PowerIteration.TopSingularValue([float.NaN, 1, 2, 3], 2, 2, 4));

    [Fact]
    public void TopSingularValue_Empty_ReturnsZero() => Assert.Equal(0.0, PowerIteration.TopSingularValue([], 0, 3, 4));

    [Fact]
    public void TopSingularValue_LargeMatrix_ParallelEqualsSerialAndIsNearTruth()
    {
        // 600 × 500 crosses the parallel threshold; the row/column split never changes an element's arithmetic.
        var rng = new Random(3);
        float[] w = new float[600 * 500];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(rng.NextDouble() - 0.5);
        }
        double a = PowerIteration.TopSingularValue(w, 600, 500, 25, threads: 1);
        double b = PowerIteration.TopSingularValue(w, 600, 500, 25, threads: 4);
        Assert.Equal(a, b);
        // Largest singular value of a uniform(−½,½) matrix: dominated by the mean direction ≈ mean·√(mn) is 0 here, so
        // the bulk edge ≈ std·(√m + √n) = 0.2887·(24.49 + 22.36) ≈ 13.5; power iteration from ones is within 15 % after 25 rounds.
        Assert.InRange(a, 13.5 * 0.85, 13.5 * 1.15);
    }

    [Fact]
    public void RowColumnNormExtrema_Empty_AllZero() => Assert.Equal(default, MatrixStatistics.RowColumnNormExtrema([], 0, 0));

    [Fact]
    public void StableRank_NonPositiveSigma_IsZero()
    {
        Assert.Equal(0.0, MatrixStatistics.StableRank(14, 0));
        Assert.Equal(0.0, MatrixStatistics.StableRank(14, double.NaN));
    }

    [Fact]
    public void FrobeniusSquared_NaN_IsZero() => Assert.Equal(0.0, MatrixStatistics.FrobeniusSquared([float.NaN]));

    [Fact]
    public void CountNonFinite_FindsEveryNaNAndInfinity()
    {
        float[] x = new float[103];
        x[5] = float.NaN;
        x[64] = float.PositiveInfinity;
        x[102] = float.NegativeInfinity;
        Assert.Equal(3, FiniteCheck.CountNonFinite(x));
    }

    [Theory]
    [InlineData(0.025, -1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(1e-6, -4.753424308822899)]
    public void InverseCdf_MatchesKnownQuantiles(double p, double z) => Assert.Equal(z, NormalDistribution.InverseCdf(p), 10);

    [Fact]
    public void Erfc_LargeArguments_UsesContinuedFraction()
    {
        // erfc(4) = 1.541725790028002e-08 (tables).
        Assert.Equal(1.541725790028002e-08, NormalDistribution.Erfc(4.0), 1e-20);
        Assert.Equal(2.0 - NormalDistribution.Erfc(1.0), NormalDistribution.Erfc(-1.0), 15);
    }

    [Fact]
    public void Quantile_LinearInterpolation()
    {
        Assert.Equal(2.5, Quantiles.Of([1, 2, 3, 4], 0.5));
        Assert.Equal(7.0, Quantiles.Of([7], 0.99));
    }

    [Fact]
    public void PairedDeltaBca_AllEqualDeltas_ReturnsPoint()
    {
        var ci = BootstrapIntervals.PairedDeltaBca([2, 3, 4], [1, 2, 3], null, 500, 0.05, 1);
        Assert.Equal((1.0, 1.0), ci);
    }

    [Fact]
    public void PairedDeltaBca_IsDeterministicAndBracketsTheMean()
    {
        double[] a = [3.1, 3.0, 2.9, 3.3, 3.2, 3.05, 2.95, 3.15];
        double[] b = [3.0, 2.97, 2.85, 3.21, 3.17, 3.0, 2.9, 3.1];
        var ci1 = BootstrapIntervals.PairedDeltaBca(b, a, null, 500, 0.05, 334);
        var ci2 = BootstrapIntervals.PairedDeltaBca(b, a, null, 500, 0.05, 334);
        Assert.Equal(ci1, ci2);
        double mean = b.Zip(a, (x, y) => x - y).Average();
        Assert.True(ci1!.Value.Lo <= mean && mean <= ci1.Value.Hi);
        Assert.True(ci1.Value.Hi < 0);
    }

    [Fact]
    public void PairedDeltaBca_NonFinite_ReturnsNull() =>
        Assert.Null(BootstrapIntervals.PairedDeltaBca([double.NaN, 1], [1, 2], null, 100, 0.05, 1));

    [Fact]
    public void SplitMix64_KnownFirstOutputs()
    {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }
}
