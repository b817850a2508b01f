namespace InvarLock.Compute.Tests;

public class PowerIterationTests
{
    // Golden numbers are float64 (guards.md §10); our vectors and accumulations are double over exactly representable
    // float entries, so agreement is to rounding error.
    private const double GoldenTolerance = 1e-12;

    private static readonly float[] W = [3f, 1f, 0f, 2f];

    [Theory]
    [InlineData(1, 3.162277660168379)]
    [InlineData(2, 3.2462996686167984)]
    [InlineData(3, 3.2555522864262483)]
    [InlineData(4, 3.2565074373142053)]
    [InlineData(25, 3.2566165379829397)]
    public void TopSingularValue_GoldenMatrixOnesStart_MatchesReference(int iterations, double expected)
    {
        Assert.Equal(expected, PowerIteration.TopSingularValue(W, 2, 2, iterations), GoldenTolerance);
    }

    [Theory]
    [InlineData(1, 3.0)]
    [InlineData(4, 3.256275725138456)]
    public void TopSingularValue_GoldenMatrixE0Start_MatchesReference(int iterations, double expected)
    {
        Assert.Equal(expected, PowerIteration.TopSingularValue(W, 2, 2, iterations, PowerIterationStart.E0), GoldenTolerance);
    }

    [Fact]
    public void TopSingularValue_DefaultIterations_IsFour()
    {
        Assert.Equal(3.2565074373142053, PowerIteration.TopSingularValue(W, 2, 2), GoldenTolerance);
    }

    [Fact]
    public void TopSingularValue_ZeroMatrix_ReturnsEpsilonClamp()
    {
        Assert.Equal(1e-12, PowerIteration.TopSingularValue(new float[12], 3, 4));
    }

    [Fact]
    public void TopSingularValue_NaNEntry_ReturnsZero()
    {
        float[] w = [1f, float.NaN, 2f, 3f];
        Assert.Equal(0.0, PowerIteration.TopSingularValue(w, 2, 2));
    }

    [Fact]
    public void TopSingularValue_Empty_ReturnsZero()
    {
        Assert.Equal(0.0, PowerIteration.TopSingularValue(ReadOnlySpan<float>.Empty, 0, 5));
    }

    [Fact]
    public void TopSingularValue_DiagonalWithManyIterations_ConvergesToLargestEntry()
    {
        // diag(1..9) padded to 9×12: σ_max = 9. The ones start has a component on every singular vector.
        float[] w = new float[9 * 12];
        for (int i = 0; i < 9; i++)
        {
            w[i * 12 + i] = i + 1;
        }
        Assert.Equal(9.0, PowerIteration.TopSingularValue(w, 9, 12, iterations: 400), 1e-9);
    }

    [Fact]
    public void TopSingularValue_RankOneMatrix_ExactAfterOneIteration()
    {
        // W = x yᵀ with x = (1,2,3), y = (1,1,1,1) (parallel to the ones start): σ = ‖x‖·‖y‖ = √14·2.
        float[] w = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3];
        Assert.Equal(Math.Sqrt(14) * 2, PowerIteration.TopSingularValue(w, 3, 4, iterations: 1), 1e-12);
    }

    [Fact]
    public void TopSingularValue_LargeRandomMatrix_MatchesTransposedWithinConvergence()
    {
        // Many iterations converge from either orientation to the same σ_max.
        const int rows = 64, cols = 40;
        float[] w = TestData.Random(rows * cols, seed: 3);
        float[] wt = new float[w.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                wt[j * rows + i] = w[i * cols + j];
            }
        }
        double a = PowerIteration.TopSingularValue(w, rows, cols, 3000);
        double b = PowerIteration.TopSingularValue(wt, cols, rows, 3000);
        Assert.Equal(a, b, 1e-6 * a);
    }

    [Fact]
    public void ActivationEdgeRisk_GoldenActivation_MatchesReference()
    {
        float[] a = [1, 2, 3, 4, 5, 6, 7, 8, 10, 0, 1, 0];
        EdgeRisk? risk = PowerIteration.ActivationEdgeRisk(a, 4, 3);
        Assert.NotNull(risk);
        Assert.Equal(3.3650188573727733, risk.Value.Sigma, GoldenTolerance);
        Assert.Equal(3.732050807568877, risk.Value.MarchenkoPasturEdge, GoldenTolerance);
        Assert.Equal(0.9016540853485339, risk.Value.Risk, GoldenTolerance);
    }

    [Theory]
    [InlineData(1, 3.327723282775537)]
    [InlineData(2, 3.364926239635022)]
    [InlineData(3, 3.3650188573727733)]
    public void WhitenedTopSingularValue_GoldenActivation_MatchesReference(int iterations, double expected)
    {
        float[] a = [1, 2, 3, 4, 5, 6, 7, 8, 10, 0, 1, 0];
        const double mean = 3.9166666666666665;
        double scale = Math.Sqrt(10.076388888888891);
        Assert.Equal(expected, PowerIteration.WhitenedTopSingularValue(a, 4, 3, mean, scale, iterations), GoldenTolerance);
    }

    [Fact]
    public void ActivationEdgeRisk_NonFiniteOrEmpty_IsSkipped()
    {
        Assert.Null(PowerIteration.ActivationEdgeRisk([1f, float.PositiveInfinity, 2f, 3f], 2, 2));
        Assert.Null(PowerIteration.ActivationEdgeRisk(ReadOnlySpan<float>.Empty, 0, 3));
    }

    [Fact]
    public void ActivationEdgeRisk_ConstantMatrix_UsesEpsilonScaleAndStaysFinite()
    {
        // Variance 0 → s = sqrt(1e-12) = 1e-6; the centred matrix is zero, so σ̂ clamps to ε.
        EdgeRisk? risk = PowerIteration.ActivationEdgeRisk([2f, 2f, 2f, 2f], 2, 2);
        Assert.NotNull(risk);
        Assert.Equal(1e-12 / 2.0 / Math.Sqrt(2), risk.Value.Risk, 1e-20);
    }

    [Fact]
    public void TopSingularValue_ShortBuffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => PowerIteration.TopSingularValue(new float[5], 2, 3));
    }

    [Fact]
    public void TopSingularValue_OneTwoEightThreads_GiveIdenticalDoubles()
    {
        // 1024 × 3072 is above the parallel threshold; every product element is computed by the same operations in the
        // same order whatever the split, so the estimates must agree bit for bit.
        const int rows = 1024, cols = 3072;
        float[] w = TestData.Random(rows * cols, seed: 11);
        double one = PowerIteration.TopSingularValue(w, rows, cols, 6, threads: 1);
        double two = PowerIteration.TopSingularValue(w, rows, cols, 6, threads: 2);
        double eight = PowerIteration.TopSingularValue(w, rows, cols, 6, threads: 8);
        Assert.Equal(BitConverter.DoubleToInt64Bits(one), BitConverter.DoubleToInt64Bits(two));
        Assert.Equal(BitConverter.DoubleToInt64Bits(one), BitConverter.DoubleToInt64Bits(eight));
    }

    [Fact]
    public void ActivationEdgeRisk_OddShapeAcrossThreadCounts_GivesIdenticalDoubles()
    {
        // 701 × 777: neither dimension divides evenly into row ranges or 8-wide column blocks.
        const int rows = 701, cols = 777;
        float[] a = TestData.Random(rows * cols, seed: 12, scale: 3f);
        for (int i = 0; i < a.Length; i += 97)
        {
            a[i] += 2f; // a non-zero mean, so the implicit whitening does work
        }
        EdgeRisk? one = PowerIteration.ActivationEdgeRisk(a, rows, cols, threads: 1);
        EdgeRisk? three = PowerIteration.ActivationEdgeRisk(a, rows, cols, threads: 3);
        EdgeRisk? eight = PowerIteration.ActivationEdgeRisk(a, rows, cols, threads: 8);
        Assert.NotNull(one);
        Assert.Equal(one, three);
        Assert.Equal(one, eight);
    }

    [Fact]
    public void TopSingularValue_ParallelRun_MatchesNaiveDoubleReference()
    {
        // Guards against a split that drops or repeats rows or columns: the reference is the textbook loop in double.
        const int rows = 600, cols = 531;
        float[] w = TestData.Random(rows * cols, seed: 13);
        double expected = NaiveTopSingularValue(w, rows, cols, 5);
        double actual = PowerIteration.TopSingularValue(w, rows, cols, 5, threads: 8);
        // Only the summation order of the row dots differs from the reference: ~1e-12 relative.
        Assert.Equal(expected, actual, 1e-12 * expected);
    }

    [Fact]
    public void TopSingularValue_NegativeThreads_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PowerIteration.TopSingularValue(W, 2, 2, threads: -1));
    }

    private static double NaiveTopSingularValue(float[] w, int rows, int cols, int iterations)
    {
        var v = new double[cols];
        Array.Fill(v, 1.0 / Math.Sqrt(cols));
        var u = new double[rows];
        double sigma = 0.0;
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < rows; i++)
            {
                double s = 0.0;
                for (int j = 0; j < cols; j++)
                {
                    s += w[i * cols + j] * v[j];
                }
                u[i] = s;
            }
            sigma = Math.Sqrt(u.Sum(x => x * x));
            for (int i = 0; i < rows; i++)
            {
                u[i] /= sigma;
            }
            Array.Clear(v);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    v[j] += u[i] * w[i * cols + j];
                }
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int j = 0; j < cols; j++)
            {
                v[j] /= norm;
            }
        }
        return sigma;
    }
}
