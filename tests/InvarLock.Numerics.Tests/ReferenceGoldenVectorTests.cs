namespace InvarLock.Numerics.Tests;

/// <summary>The golden vectors of evaluation.md §10 (numpy 1.24.2, CPython 3.11), reproduced by the project's own
/// generator and bootstrap.</summary>
public sealed class ReferenceGoldenVectorTests
{
    // Bounds may differ from numpy by a few ulps: Φ uses our erf, not the C library's (see DeterministicMath).
    private const double BoundTolerance = 1e-12;

    [Fact]
    public void NextInt_Seed123_MatchesNumpyIntegers()
    {
        var rng = new Pcg64Random(123);
        var draws = new int[8];
        for (int i = 0; i < draws.Length; i++)
        {
            draws[i] = rng.NextInt(4);
        }

        Assert.Equal([0, 2, 2, 0, 3, 0, 1, 0], draws);
    }

    [Fact]
    public void NextDouble_Seed123_MatchesNumpyRandom()
    {
        var rng = new Pcg64Random(123);
        Assert.Equal(0.6823518632481435, rng.NextDouble());
        Assert.Equal(0.053821018802222675, rng.NextDouble());
        Assert.Equal(0.22035987277261138, rng.NextDouble());
    }

    [Fact]
    public void MeanInterval_ReferenceSample_MatchesGoldenBounds()
    {
        double[] x = [3.0, 3.1, 2.9, 3.05, 3.2, 3.15];
        var percentile = Bootstrap.MeanInterval(x, new BootstrapSettings(BootstrapMethod.Percentile, 256, 0.1, 123));
        Assert.Equal(2.9895833333333335, percentile.Lower, BoundTolerance);
        Assert.Equal(3.1333333333333333, percentile.Upper, BoundTolerance);
        var bca = Bootstrap.MeanInterval(x, new BootstrapSettings(BootstrapMethod.Bca, 256, 0.1, 123));
        Assert.Equal(2.983333333333333, bca.Lower, BoundTolerance);
        Assert.Equal(3.122794810800346, bca.Upper, BoundTolerance);
    }

    [Fact]
    public void PairedDeltaInterval_ReferencePairs_MatchesGoldenBounds()
    {
        double[] f = [3.4, 3.3, 3.25, 3.5];
        double[] p = [3.0, 3.1, 3.2, 3.05];
        var bca = Bootstrap.PairedDeltaInterval(f, p, [], new BootstrapSettings(BootstrapMethod.Bca, 256, 0.1, 7));
        Assert.Equal(0.0874999999999998, bca.Lower, BoundTolerance);
        Assert.Equal(0.36249999999999993, bca.Upper, BoundTolerance);
        var percentile = Bootstrap.PairedDeltaInterval(f, p, [], new BootstrapSettings(BootstrapMethod.Percentile, 256, 0.1, 7));
        Assert.Equal(0.1499999999999999, percentile.Lower, BoundTolerance);
        Assert.Equal(0.40312499999999996, percentile.Upper, BoundTolerance);
    }

    [Fact]
    public void PairedDeltaInterval_ReferenceWeights_MatchesGoldenBounds()
    {
        double[] f = [3.4, 3.3, 3.25, 3.5];
        double[] p = [3.0, 3.1, 3.2, 3.05];
        double[] w = [10, 20, 30, 40];
        var bca = Bootstrap.PairedDeltaInterval(f, p, w, new BootstrapSettings(BootstrapMethod.Bca, 256, 0.05, 97));
        Assert.True(bca.Weighted);
        Assert.Equal(0.12499999999999978, bca.Lower, BoundTolerance);
        Assert.Equal(0.4500000000000002, bca.Upper, BoundTolerance);
        var percentile = Bootstrap.PairedDeltaInterval(f, p, w, new BootstrapSettings(BootstrapMethod.Percentile, 256, 0.05, 97));
        Assert.Equal(0.10156249999999979, percentile.Lower, BoundTolerance);
        Assert.Equal(0.4375000000000001, percentile.Upper, BoundTolerance);
        var equal = Bootstrap.PairedDeltaInterval(f, p, [5, 5, 5, 5], new BootstrapSettings(BootstrapMethod.Bca, 256, 0.05, 97));
        Assert.False(equal.Weighted);
        Assert.Equal(0.0874999999999998, equal.Lower, BoundTolerance);
        Assert.Equal(0.38750000000000007, equal.Upper, BoundTolerance);
    }
}
