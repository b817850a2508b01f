namespace InvarLock.Compute.Tests;

public class KernelTests
{
    // Float32 element-wise kernels against double references: a few ulps of the output's magnitude.
    private const double FloatTolerance = 2e-6;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 64)]
    [InlineData(4, 771)]
    public void LayerNormApply_RandomRows_MatchesDoubleReference(int rows, int width)
    {
        float[] x = TestData.Random(rows * width, seed: width, scale: 3f);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] += 5f; // a non-zero mean exercises the centring
        }
        float[] weight = TestData.Random(width, seed: 2);
        float[] bias = TestData.Random(width, seed: 3);
        float[] y = new float[x.Length];
        LayerNorm.Apply(x, y, rows, width, weight, bias, 1e-5);
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < width; j++)
            {
                mean += x[r * width + j];
            }
            mean /= width;
            for (int j = 0; j < width; j++)
            {
                variance += Math.Pow(x[r * width + j] - mean, 2);
            }
            variance /= width;
            for (int j = 0; j < width; j++)
            {
                double expected = (x[r * width + j] - mean) / Math.Sqrt(variance + 1e-5) * weight[j] + bias[j];
                Assert.True(Math.Abs(y[r * width + j] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"row {r} col {j}: {y[r * width + j]} vs {expected}");
            }
        }
    }

    [Fact]
    public void LayerNormApply_InPlace_EqualsOutOfPlace()
    {
        float[] x = TestData.Random(3 * 40, seed: 5);
        float[] weight = TestData.Random(40, seed: 6);
        float[] bias = TestData.Random(40, seed: 7);
        float[] y = new float[x.Length];
        LayerNorm.Apply(x, y, 3, 40, weight, bias, 1e-5);
        LayerNorm.Apply(x, x, 3, 40, weight, bias, 1e-5);
        Assert.Equal(y, x);
    }

    [Fact]
    public void GeluTanh_Range_MatchesFormula()
    {
        float[] x = Enumerable.Range(-2000, 4001).Select(i => i / 200f).ToArray();
        float[] y = new float[x.Length];
        Activations.GeluTanh(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.True(Math.Abs(y[i] - expected) <= FloatTolerance * (1 + Math.Abs(expected)), $"gelu_new({v}) = {y[i]}, expected {expected}");
        }
    }

    [Fact]
    public void GeluTanh_OneVersusManyThreads_BitIdentical()
    {
        float[] x = TestData.Random(300_001, seed: 9, scale: 6f);
        float[] one = new float[x.Length], many = new float[x.Length];
        Activations.GeluTanh(x, one, threads: 1);
        Activations.GeluTanh(x, many, threads: 4);
        Assert.Equal(one, many);
    }

    [Fact]
    public void GeluErf_Values_MatchErfFormula()
    {
        float[] x = [-3f, -1f, -0.25f, 0f, 0.5f, 1f, 2f, 5f];
        float[] y = new float[x.Length];
        Activations.GeluErf(x, y);
        // 0.5·x·(1 + erf(x/√2)) evaluated with Python's math.erf.
        double[] expected = [-0.00404969409489031, -0.15865525393145707, -0.10032341857926907, 0.0, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416, 4.999998566742141];
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-6, $"gelu({x[i]}) = {y[i]}, expected {expected[i]}");
        }
    }

    [Fact]
    public void SoftmaxRows_Rows_SumToOneAndMatchReference()
    {
        const int rows = 4, width = 37;
        float[] x = TestData.Random(rows * width, seed: 11, scale: 20f);
        float[] y = new float[x.Length];
        Softmax.Rows(x, y, rows, width);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < width; j++)
            {
                max = Math.Max(max, x[r * width + j]);
            }
            for (int j = 0; j < width; j++)
            {
                sum += Math.Exp(x[r * width + j] - max);
            }
            for (int j = 0; j < width; j++)
            {
                double expected = Math.Exp(x[r * width + j] - max) / sum;
                Assert.True(Math.Abs(y[r * width + j] - expected) <= FloatTolerance * (expected + 1e-3));
            }
        }
    }

    [Fact]
    public void LogRows_LargeMagnitudes_StableAndMatchReference()
    {
        const int rows = 3, width = 1000;
        float[] x = TestData.Random(rows * width, seed: 12, scale: 50f);
        x[5] = 1000f; // would overflow a naive exp
        float[] y = new float[x.Length];
        Softmax.LogRows(x, y, rows, width);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < width; j++)
            {
                max = Math.Max(max, x[r * width + j]);
            }
            for (int j = 0; j < width; j++)
            {
                sum += Math.Exp(x[r * width + j] - max);
            }
            double lse = max + Math.Log(sum);
            // The exponentials are float32 (relative error ~1e-7), the sum and logarithm double.
            Assert.Equal(lse, Softmax.LogSumExp(x.AsSpan(r * width, width)), 1e-6);
            for (int j = 0; j < width; j++)
            {
                double expected = x[r * width + j] - lse;
                Assert.True(Math.Abs(y[r * width + j] - expected) <= 1e-5 * (1 + Math.Abs(expected)));
            }
        }
    }

    [Fact]
    public void LogSumExp_Empty_IsNegativeInfinity()
    {
        Assert.Equal(double.NegativeInfinity, Softmax.LogSumExp(ReadOnlySpan<float>.Empty));
    }
}
