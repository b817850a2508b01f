using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Common;
using InvarLock.Guards.Numerics;
using InvarLock.Numerics;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Variance;

namespace InvarLock.Guards.Tests.Numerics;

/// <summary>Every golden number of guards.md §10.</summary>
public class GoldenNumberTests
{
    /// <summary>The golden values are float64; InvarLock.Compute's power iteration keeps its vectors and every
    /// accumulation in double over these exactly representable float32 entries, so agreement is to double rounding
    /// (tighter than the ~1e-6 relative the spec allows for PyTorch float32).</summary>
    private const double PowerIterationRelative = 1e-12;

    /// <summary>Pure double-precision code (erfc, Φ, bootstrap helpers) is held to near machine precision.</summary>
    private const double DoubleRelative = 1e-12;

    private static void Close(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), 1e-300),
            $"expected {expected:R}, got {actual:R} (relative tolerance {relative})");

    private static readonly float[] W = [3, 1, 0, 2];

    [Theory]
    [InlineData(1, 3.162277660168379)]
    [InlineData(2, 3.2462996686167984)]
    [InlineData(3, 3.2555522864262483)]
    [InlineData(4, 3.2565074373142053)]
    [InlineData(25, 3.2566165379829397)]
    public void SigmaMax_OnesInit_MatchesGolden(int iters, double expected) =>
        Close(expected, PowerIteration.TopSingularValue(W, 2, 2, iters), PowerIterationRelative);

    [Theory]
    [InlineData(1, 3.0)]
    [InlineData(4, 3.256275725138456)]
    public void SigmaMax_E0Init_MatchesGolden(int iters, double expected) =>
        Close(expected, PowerIteration.TopSingularValue(W, 2, 2, iters, PowerIterationStart.E0), PowerIterationRelative);

    [Fact]
    public void FrobeniusSquared_Golden_Is14() => Assert.Equal(14.0, MatrixStatistics.FrobeniusSquared(W));

    [Theory]
    [InlineData(2.576, 0.009995064631470037)]
    [InlineData(2.326, 0.02001855068173534)]
    [InlineData(2.17, 0.03000684594746441)]
    [InlineData(1.8, 0.07186063822585162)]
    [InlineData(3.0, 0.0026997960632601913)]
    [InlineData(0.0, 1.0)]
    public void TwoSidedPValue_MatchesGolden(double z, double expected) =>
        Close(expected, NormalDistribution.TwoSidedPValue(z), DoubleRelative);

    [Theory]
    [InlineData(64, 768, 35.712812921102035)]
    [InlineData(512, 768, 50.34022991907156)]
    [InlineData(4, 3, 3.732050807568877)]
    public void MpEdge_MatchesGolden(int m, int n, double expected) =>
        Close(expected, ActivationEdgeRisk.MpEdge(m, n), DoubleRelative);

    private static readonly float[] A = [1, 2, 3, 4, 5, 6, 7, 8, 10, 0, 1, 0];

    [Fact]
    public void ActivationEdgeRisk_ThreeIterations_MatchesGolden()
    {
        var r = ActivationEdgeRisk.Compute(A, 4, 3, 3, PowerIterationStart.Ones);
        Assert.NotNull(r);
        Close(3.732050807568877, r.Value.Edge, DoubleRelative);
        Close(3.3650188573727733, r.Value.Sigma, PowerIterationRelative);
        Close(0.9016540853485339, r.Value.Risk, PowerIterationRelative);
    }

    [Theory]
    [InlineData(1, 3.327723282775537)]
    [InlineData(2, 3.364926239635022)]
    [InlineData(3, 3.3650188573727733)]
    [InlineData(50, 3.365019167450791)]
    public void WhitenedPowerIteration_MatchesGolden(int iters, double expected)
    {
        // μ = 3.9166666666666665, var = 10.076388888888891, s = 3.174332825790152 (golden).
        double mu = 3.9166666666666665;
        double s = 3.174332825790152;
        Assert.Equal(10.076388888888891, s * s, 1e-12);
        Close(expected, PowerIteration.WhitenedTopSingularValue(A, 4, 3, mu, s, iters), PowerIterationRelative);
    }

    [Fact]
    public void FamilySelection_BhExample_SelectsThreeFamiliesAndBonferroniOne()
    {
        var p = new Dictionary<string, double> { ["ffn"] = .009995, ["attn"] = .020019, ["embed"] = .030007, ["other"] = .071861 };
        Assert.Equal(["attn", "embed", "ffn"], MultipleTesting.BenjaminiHochberg(p, 0.05, 4));
        Assert.Equal(["ffn"], MultipleTesting.Bonferroni(p, 0.05, 4));
    }

    [Fact]
    public void ScaleAggregation_ReferenceExample_ClampsTo085()
    {
        double[] samples = [1, 4, 2, 3, 100, 0.5, 2.5, 1.5, 2, 3, 1, 2];
        double level = ScaleProposal.RobustLevel(samples);
        Assert.Equal(2.5, level, 12);
        Close(0.6324555320336759, 1 / Math.Sqrt(level), DoubleRelative);
        Assert.Equal(0.85, ScaleProposal.ScaleFor(level, 0.85, 1.12));
    }

    [Fact]
    public void EpsilonBand_Base120Eps001_Allows1212()
    {
        var options = RmtOptions.Balanced;
        var none = RmtGuard.EpsilonBandViolations(new Dictionary<string, double> { ["ffn"] = 1.20 }, new Dictionary<string, double> { ["ffn"] = 1.212 }, options);
        Assert.Empty(none);
        var one = RmtGuard.EpsilonBandViolations(new Dictionary<string, double> { ["ffn"] = 1.20 }, new Dictionary<string, double> { ["ffn"] = 1.2121 }, options);
        Assert.Equal(1.212, Assert.Single(one).Allowed, 12);
    }

    [Fact]
    public void MeasurementContractHashes_LegacyPythonRecipe_ReproducesReferenceHashes()
    {
        // guards.md §7.4: first 16 hex of SHA-256 over json.dumps(sort_keys=True) with ", " and ": " separators.
        static string Legacy(JsonObject o) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Serialize(o).Replace(",", ", ").Replace(":", ": "))))[..16];
        Assert.Equal("14cca7884179d484", Legacy(SpectralOptions.Balanced.MeasurementContract()));
        Assert.Equal("09a06894aea32df9", Legacy(RmtOptions.Balanced.MeasurementContract()));
    }

    [Fact]
    public void MeasurementContractHashes_OurRfc8785Recipe_AreStable()
    {
        // Ours: first 16 hex of SHA-256 over RFC 8785 canonical JSON (computed independently with Python json.dumps(sort_keys, separators=(',',':'))).
        Assert.Equal("11477633fd52f070", CanonicalJson.ShortHash(SpectralOptions.Balanced.MeasurementContract()));
        Assert.Equal("6a71aab02ac66440", CanonicalJson.ShortHash(RmtOptions.Balanced.MeasurementContract()));
    }
}
