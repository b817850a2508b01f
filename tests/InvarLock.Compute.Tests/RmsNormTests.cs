namespace InvarLock.Compute.Tests;

public class RmsNormTests
{
    private static double[] Reference(float[] x, int rows, int width, float[] w, double eps, bool unitOffset, int stride, int offset)
    {
        var y = new double[rows * width];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int i = 0; i < width; i++)
            {
                double v = x[offset + r * stride + i];
                sum += v * v;
            }
            double inv = 1.0 / Math.Sqrt(sum / width + eps);
            for (int i = 0; i < width; i++)
            {
                double scale = unitOffset ? 1.0 + w[i] : w[i];
                y[r * width + i] = x[offset + r * stride + i] * inv * scale;
            }
        }
        return y;
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(3, 7, false)]
    [InlineData(5, 64, true)]
    [InlineData(4, 1000, false)]
    [InlineData(2, 2048, true)]
    public void Apply_VariousWidths_MatchesDoubleReference(int rows, int width, bool unitOffset)
    {
        float[] x = TestData.Random(rows * width, seed: width, scale: 3f);
        float[] w = TestData.Random(width, seed: 2);
        var y = new float[rows * width];
        RmsNorm.Apply(x, y, rows, width, w, 1e-6, unitOffset);
        double[] expected = Reference(x, rows, width, w, 1e-6, unitOffset, width, 0);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-7, $"y[{i}] = {y[i]}, reference {expected[i]}");
        }
    }

    [Fact]
    public void Apply_InPlace_MatchesSeparateOutput()
    {
        float[] x = TestData.Random(6 * 40, seed: 9);
        float[] w = TestData.Random(40, seed: 10);
        var separate = new float[x.Length];
        RmsNorm.Apply(x, separate, 6, 40, w, 1e-5, unitOffset: false);
        RmsNorm.Apply(x, x, 6, 40, w, 1e-5, unitOffset: false);
        Assert.Equal(separate, x);
    }

    [Fact]
    public void Apply_EpsilonDominates_ScalesByInverseRootEpsilon()
    {
        float[] x = [0f, 0f, 0f, 1e-6f];
        float[] w = [1f, 1f, 1f, 2f];
        var y = new float[4];
        RmsNorm.Apply(x, y, 1, 4, w, 1.0, unitOffset: false);
        Assert.Equal(2e-6, y[3], 1e-12);
        Assert.Equal(0f, y[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ApplyToHeads_StridedFusedBuffer_NormalisesEachHeadAndLeavesTheRest(bool unitOffset)
    {
        const int rows = 5, heads = 3, headDim = 16, stride = 80, offset = 8;
        float[] buffer = TestData.Random(offset + rows * stride, seed: 11, scale: 2f);
        float[] original = (float[])buffer.Clone();
        float[] w = TestData.Random(headDim, seed: 12);
        RmsNorm.ApplyToHeads(buffer.AsSpan(offset), rows, stride, heads, headDim, w, 1e-6, unitOffset);
        // Each head equals RmsNorm.Apply on that head alone, and matches the double reference.
        for (int r = 0; r < rows; r++)
        {
            for (int h = 0; h < heads; h++)
            {
                int start = offset + r * stride + h * headDim;
                var alone = new float[headDim];
                RmsNorm.Apply(original.AsSpan(start, headDim), alone, 1, headDim, w, 1e-6, unitOffset);
                Assert.Equal(alone, buffer.AsSpan(start, headDim).ToArray());
                double[] expected = Reference(original, 1, headDim, w, 1e-6, unitOffset, headDim, start);
                for (int i = 0; i < headDim; i++)
                {
                    Assert.True(Math.Abs(alone[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-7);
                }
            }
            // Columns past the heads (the rest of a fused row) are untouched.
            for (int i = heads * headDim; i < stride; i++)
            {
                Assert.Equal(original[offset + r * stride + i], buffer[offset + r * stride + i]);
            }
        }
        Assert.Equal(original.AsSpan(0, offset).ToArray(), buffer.AsSpan(0, offset).ToArray());
    }

    [Fact]
    public void ApplyToHeads_StrideBelowRowWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => RmsNorm.ApplyToHeads(new float[100], 2, 30, 2, 16, new float[16], 1e-6, false));
    }
}
