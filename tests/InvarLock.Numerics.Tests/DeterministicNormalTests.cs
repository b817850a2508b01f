namespace InvarLock.Numerics.Tests;

/// <summary>Moved from the tiny GPT-2 generator tests with <see cref="DeterministicNormal"/>.</summary>
public sealed class DeterministicNormalTests
{
    [Fact]
    public void LogAndSinCosTurns_MatchTheRuntimeToNearUlp()
    {
        // Our log/sin/cos use only correctly rounded operations; they should agree with libm to ~1e-15.
        const double Tolerance = 4e-16; // a few ulps at magnitude <= 1, relative
        foreach (double x in new[] { 1e-300, 5e-324, 1e-10, 0.1, 0.5, 0.70710678, 0.9999999, 1.0 })
        {
            Assert.True(Math.Abs(DeterministicMath.Log(x) - Math.Log(x)) <= Tolerance * Math.Max(1, Math.Abs(Math.Log(x))),
                $"log({x:R})");
        }
        for (int i = 0; i < 1000; i++)
        {
            double t = i / 1000.0;
            DeterministicMath.SinCosTurns(t, out double s, out double c);
            Assert.True(Math.Abs(s - Math.Sin(2 * Math.PI * t)) < 2e-15, $"sin at {t}");
            Assert.True(Math.Abs(c - Math.Cos(2 * Math.PI * t)) < 2e-15, $"cos at {t}");
        }
    }

    [Fact]
    public void DeterministicNormal_Draws_HaveUnitMoments()
    {
        var normal = new DeterministicNormal(42);
        const int N = 200_000;
        double sum = 0;
        double sumSq = 0;
        int beyond3 = 0;
        for (int i = 0; i < N; i++)
        {
            double z = normal.Next();
            sum += z;
            sumSq += z * z;
            if (Math.Abs(z) > 3)
            {
                beyond3++;
            }
        }
        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        // Standard errors: mean 1/sqrt(N) = 0.0022, variance sqrt(2/N) = 0.0032; bounds are about 5 sigma.
        Assert.InRange(mean, -0.011, 0.011);
        Assert.InRange(variance, 0.984, 1.016);
        // P(|z| > 3) = 0.0027 → expected 540 ± 23.
        Assert.InRange(beyond3, 430, 650);
    }
}
