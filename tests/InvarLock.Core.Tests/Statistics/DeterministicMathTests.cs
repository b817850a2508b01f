using InvarLock.Core.Statistics;

namespace InvarLock.Core.Tests.Statistics;

public sealed class DeterministicMathTests
{
    [Fact]
    public void Exp_RandomArguments_WithinOneUlpOfPlatform()
    {
        var rng = new Random(1);
        for (int i = 0; i < 200_000; i++)
        {
            double x = (rng.NextDouble() - 0.5) * (i % 3 == 0 ? 1400 : i % 3 == 1 ? 4 : 1e-6);
            BootstrapGoldenTests.AssertWithinUlps(Math.Exp(x), DeterministicMath.Exp(x), 1);
        }
    }

    [Fact]
    public void Log_RandomArguments_WithinOneUlpOfPlatform()
    {
        var rng = new Random(2);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i % 2 == 0 ? Math.Pow(10, (rng.NextDouble() - 0.5) * 600) : 1 + (rng.NextDouble() - 0.5) * 1e-3;
            BootstrapGoldenTests.AssertWithinUlps(Math.Log(x), DeterministicMath.Log(x), 1);
        }
    }

    [Fact]
    public void ExpLog_SpecialValues_FollowIeee()
    {
        Assert.Equal(1.0, DeterministicMath.Exp(0.0));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Exp(710));
        Assert.Equal(0.0, DeterministicMath.Exp(-746));
        Assert.True(double.IsNaN(DeterministicMath.Exp(double.NaN)));
        Assert.Equal(0.0, DeterministicMath.Log(1.0));
        Assert.Equal(double.NegativeInfinity, DeterministicMath.Log(0.0));
        Assert.True(double.IsNaN(DeterministicMath.Log(-1.0)));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Log(double.PositiveInfinity));
    }

    [Fact]
    public void NormalQuantile_InvertsNormalCdf()
    {
        for (double p = 0.001; p < 1.0; p += 0.0137)
        {
            Assert.Equal(p, DeterministicMath.NormalCdf(DeterministicMath.NormalQuantile(p)), 1e-14);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.NormalQuantile(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.NormalQuantile(1.0));
    }
}
