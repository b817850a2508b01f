using System.Text.Json;
using InvarLock.Core.Tests.Statistics;

namespace InvarLock.Numerics.Tests;

/// <summary>Runs bootstrap_golden.py once (numpy/scipy) and shares the parsed document.</summary>
public sealed class NumpyGoldenFixture
{
    public NumpyGoldenFixture() => Document = JsonDocument.Parse(PythonScript.Run("bootstrap_golden.py"));

    public JsonDocument Document { get; }
}

/// <summary>Compares the statistics with values computed independently by numpy and scipy.</summary>
[Trait("Category", "Parity")]
public sealed class BootstrapGoldenTests(NumpyGoldenFixture golden) : IClassFixture<NumpyGoldenFixture>
{
    // The generator and the resampling match numpy exactly; the only differences come from Φ (our erf vs the C
    // library's) and Φ⁻¹ rounding, which move a BCa quantile position by ~1e-16 and a bound by far less than 1e-12.
    private const double BoundTolerance = 1e-12;
    // scipy's BCa uses a different random stream; with 20000 (scipy) and 5000 (ours) resamples the Monte-Carlo error
    // of a 95 % bound is about 0.03 standard errors, so 0.1 standard errors is a safe band.
    private const double MonteCarloStandardErrors = 0.1;

    private JsonElement Root => golden.Document.RootElement;

    [Fact]
    public void PairedDeltaInterval_NumpyCases_MatchBounds()
    {
        int count = 0;
        foreach (JsonElement c in Root.GetProperty("paired").EnumerateArray())
        {
            double[] subject = Doubles(c.GetProperty("subject"));
            double[] baseline = Doubles(c.GetProperty("baseline"));
            double[] weights = c.GetProperty("weights").ValueKind == JsonValueKind.Null ? [] : Doubles(c.GetProperty("weights"));
            var method = c.GetProperty("method").GetString() == "bca" ? BootstrapMethod.Bca : BootstrapMethod.Percentile;
            var settings = new BootstrapSettings(method, c.GetProperty("replicates").GetInt32(), c.GetProperty("alpha").GetDouble(),
                c.GetProperty("seed").GetInt64());
            var interval = Bootstrap.PairedDeltaInterval(subject, baseline, weights, settings);
            Assert.Equal(c.GetProperty("path").GetString(), interval.Path);
            Assert.Equal(c.GetProperty("weighted").GetBoolean(), interval.Weighted);
            Assert.Equal(c.GetProperty("lower").GetDouble(), interval.Lower, BoundTolerance);
            Assert.Equal(c.GetProperty("upper").GetDouble(), interval.Upper, BoundTolerance);
            count++;
        }

        Assert.Equal(24, count);
    }

    [Fact]
    public void MeanInterval_ScipyBca_AgreesWithinMonteCarloError()
    {
        foreach (JsonElement c in Root.GetProperty("monte_carlo").EnumerateArray())
        {
            double[] values = Doubles(c.GetProperty("values"));
            double se = c.GetProperty("std_error").GetDouble();
            var interval = Bootstrap.MeanInterval(values, new BootstrapSettings(BootstrapMethod.Bca, 5000, 0.05, 11));
            Assert.InRange(interval.Lower, c.GetProperty("lower").GetDouble() - MonteCarloStandardErrors * se,
                c.GetProperty("lower").GetDouble() + MonteCarloStandardErrors * se);
            Assert.InRange(interval.Upper, c.GetProperty("upper").GetDouble() - MonteCarloStandardErrors * se,
                c.GetProperty("upper").GetDouble() + MonteCarloStandardErrors * se);
        }
    }

    [Fact]
    public void NormalQuantile_Scipy_MatchesToRounding()
    {
        foreach (JsonElement pair in Root.GetProperty("normal_quantile").EnumerateArray())
        {
            double p = pair[0].GetDouble();
            double expected = pair[1].GetDouble();
            // scipy's ndtri (Cephes) and AS241 are both accurate to ~1e-16 relative.
            Assert.Equal(expected, NormalDistribution.Quantile(p), 4e-15 * Math.Max(1.0, Math.Abs(expected)));
        }
    }

    // erf's series sums positive terms up to ~e^(x²) in size before scaling, so a few ulps of 1 (≤ 1e-15 absolute)
    // separate it from the C library; a BCa quantile position moves by that much, far below one replicate.
    private const double ErfAbsoluteTolerance = 1e-15;

    [Fact]
    public void NormalCdfAndErf_Python_MatchToAbsoluteRounding()
    {
        foreach (JsonElement pair in Root.GetProperty("normal_cdf").EnumerateArray())
        {
            Assert.Equal(pair[1].GetDouble(), NormalDistribution.Cdf(pair[0].GetDouble()), ErfAbsoluteTolerance);
        }

        foreach (JsonElement pair in Root.GetProperty("erf").EnumerateArray())
        {
            Assert.Equal(pair[1].GetDouble(), NormalDistribution.Erf(pair[0].GetDouble()), ErfAbsoluteTolerance);
        }
    }

    [Fact]
    public void ExpAndLog_Python_AgreeWithinOneUlp()
    {
        foreach (JsonElement pair in Root.GetProperty("exp").EnumerateArray())
        {
            AssertWithinUlps(pair[1].GetDouble(), DeterministicMath.Exp(pair[0].GetDouble()), 1);
        }

        foreach (JsonElement pair in Root.GetProperty("log").EnumerateArray())
        {
            AssertWithinUlps(pair[1].GetDouble(), DeterministicMath.Log(pair[0].GetDouble()), 1);
        }
    }

    [Fact]
    public void PairwiseSum_NumpySums_MatchExactly()
    {
        foreach (JsonElement c in Root.GetProperty("pairwise").EnumerateArray())
        {
            double[] values = Doubles(c.GetProperty("values"));
            Assert.Equal(c.GetProperty("total").GetDouble(), NumericKernels.PairwiseSum(values));
            Assert.Equal(c.GetProperty("mean").GetDouble(), NumericKernels.Mean(values));
        }
    }

    internal static void AssertWithinUlps(double expected, double actual, long ulps)
    {
        long a = BitConverter.DoubleToInt64Bits(expected);
        long b = BitConverter.DoubleToInt64Bits(actual);
        Assert.True(Math.Abs(a - b) <= ulps, $"expected {expected:R}, got {actual:R}");
    }

    private static double[] Doubles(JsonElement array)
    {
        var result = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            result[i++] = e.GetDouble();
        }

        return result;
    }
}
