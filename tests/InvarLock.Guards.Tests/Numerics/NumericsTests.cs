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
}
