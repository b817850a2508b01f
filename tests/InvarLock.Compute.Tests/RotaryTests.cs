namespace InvarLock.Compute.Tests;

public class RotaryTests
{
    private static double DefaultReference(int i, int d, double theta) => 1.0 / Math.Pow(theta, 2.0 * i / d);

    [Theory]
    [InlineData(64, 10000.0)]
    [InlineData(128, 500000.0)]
    [InlineData(96, 1e6)]
    [InlineData(32, 10000.0)]
    public void Default_MatchesDoubleFormulaWithinFloatRounding(int d, double theta)
    {
        float[] inv = RotaryFrequencies.Default(d, theta);
        Assert.Equal(d / 2, inv.Length);
        Assert.Equal(1f, inv[0]);
        for (int i = 0; i < inv.Length; i++)
        {
            double expected = DefaultReference(i, d, theta);
            Assert.True(Math.Abs(inv[i] - expected) <= 4e-7 * expected, $"inv_freq[{i}] = {inv[i]}, reference {expected}");
        }
    }

    [Fact]
    public void Linear_DividesDefaultByFactor()
    {
        float[] plain = RotaryFrequencies.Default(64, 10000.0);
        float[] linear = RotaryFrequencies.Linear(64, 10000.0, 3.0);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i] / 3f, linear[i]);
        }
    }

    [Fact]
    public void Dynamic_ShortSequence_EqualsDefault()
    {
        Assert.Equal(RotaryFrequencies.Default(64, 10000.0), RotaryFrequencies.Dynamic(64, 10000.0, 2.0, 2048, 2048));
    }

    [Fact]
    public void Dynamic_LongSequence_UsesScaledBase()
    {
        const int d = 64, m = 2048, length = 5000;
        const double factor = 2.0, theta = 10000.0;
        float[] inv = RotaryFrequencies.Dynamic(d, theta, factor, m, length);
        double scaledBase = theta * Math.Pow(factor * length / m - (factor - 1), d / (double)(d - 2));
        for (int i = 0; i < inv.Length; i++)
        {
            double expected = DefaultReference(i, d, scaledBase);
            Assert.True(Math.Abs(inv[i] - expected) <= 4e-7 * expected, $"inv_freq[{i}] = {inv[i]}, reference {expected}");
        }
        Assert.True(inv[^1] < RotaryFrequencies.Default(d, theta)[^1]);
    }

    [Fact]
    public void Llama3_BandsFollowWavelengths()
    {
        const int d = 128, old = 8192;
        const double theta = 500000.0, factor = 8.0, low = 1.0, high = 4.0;
        float[] plain = RotaryFrequencies.Default(d, theta);
        float[] inv = RotaryFrequencies.Llama3(d, theta, factor, low, high, old);
        int shortCount = 0, longCount = 0, mediumCount = 0;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelength = 2 * Math.PI / plain[i];
            if (wavelength < old / high)
            {
                Assert.Equal(plain[i], inv[i]);
                shortCount++;
            }
            else if (wavelength > old / low)
            {
                Assert.Equal(plain[i] / (float)factor, inv[i]);
                longCount++;
            }
            else
            {
                double smooth = (old / wavelength - low) / (high - low);
                double expected = (1 - smooth) * plain[i] / factor + smooth * plain[i];
                Assert.True(Math.Abs(inv[i] - expected) <= 1e-6 * expected, $"inv_freq[{i}] = {inv[i]}, reference {expected}");
                mediumCount++;
            }
        }
        Assert.True(shortCount > 0 && longCount > 0 && mediumCount > 0, $"bands {shortCount}/{mediumCount}/{longCount}");
    }

    [Theory]
    [InlineData(64, 1.0, 64)]
    [InlineData(96, 0.5, 48)]
    [InlineData(80, 0.4, 32)]
    public void RotaryDimension_TruncatesProduct(int headDim, double factor, int expected)
    {
        Assert.Equal(expected, RotaryFrequencies.RotaryDimension(headDim, factor));
    }

    [Fact]
    public void RotaryDimension_OddResult_Throws()
    {
        Assert.Throws<ArgumentException>(() => RotaryFrequencies.RotaryDimension(10, 0.5));
    }

    [Fact]
    public void Tables_MatchCosSinOfFloatAngle()
    {
        float[] inv = RotaryFrequencies.Default(32, 10000.0);
        const int rows = 40, first = 3000;
        var cos = new float[rows * inv.Length];
        var sin = new float[rows * inv.Length];
        Rotary.Tables(inv, first, rows, cos, sin);
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < inv.Length; i++)
            {
                double angle = (double)(first + r) * inv[i];
                // The float32 angle is within half an ulp of the exact product.
                double tolerance = Math.Abs(angle) * 6e-8 + 1e-7;
                Assert.True(Math.Abs(cos[r * inv.Length + i] - Math.Cos(angle)) <= tolerance);
                Assert.True(Math.Abs(sin[r * inv.Length + i] - Math.Sin(angle)) <= tolerance);
            }
        }
    }

    [Theory]
    [InlineData(2, 16, 16, 0)]
    [InlineData(3, 24, 12, 5)]  // partial rotary, padded fused rows
    [InlineData(1, 64, 64, 0)]
    public void Apply_MatchesRotateHalfReference(int heads, int headDim, int rotaryDim, int padding)
    {
        const int rows = 9;
        int stride = heads * headDim + padding;
        int half = rotaryDim / 2;
        float[] inv = RotaryFrequencies.Default(rotaryDim, 10000.0);
        var cos = new float[rows * half];
        var sin = new float[rows * half];
        Rotary.Tables(inv, 0, rows, cos, sin);
        float[] x = TestData.Random(rows * stride, seed: heads + headDim);
        float[] original = (float[])x.Clone();
        Rotary.Apply(x, rows, stride, heads, headDim, rotaryDim, cos, sin);
        for (int r = 0; r < rows; r++)
        {
            for (int h = 0; h < heads; h++)
            {
                int b = r * stride + h * headDim;
                for (int i = 0; i < rotaryDim; i++)
                {
                    int j = i % half;
                    double c = cos[r * half + j], s = sin[r * half + j];
                    double rotated = i < half ? -original[b + i + half] : original[b + i - half];
                    double expected = original[b + i] * c + rotated * s;
                    Assert.True(Math.Abs(x[b + i] - expected) <= 3e-7, $"row {r} head {h} dim {i}: {x[b + i]} vs {expected}");
                }
                for (int i = rotaryDim; i < headDim; i++)
                {
                    Assert.Equal(original[b + i], x[b + i]);
                }
            }
            for (int i = heads * headDim; i < stride; i++)
            {
                Assert.Equal(original[r * stride + i], x[r * stride + i]);
            }
        }
    }

    [Fact]
    public void Apply_PositionZero_IsIdentity()
    {
        float[] inv = RotaryFrequencies.Default(8, 10000.0);
        var cos = new float[4];
        var sin = new float[4];
        Rotary.Tables(inv, 0, 1, cos, sin);
        float[] x = TestData.Random(16, seed: 1);
        float[] original = (float[])x.Clone();
        Rotary.Apply(x, 1, 16, 2, 8, 8, cos, sin);
        Assert.Equal(original, x);
    }
}
