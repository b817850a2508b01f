namespace InvarLock.Compute.Tests;

public class GemmTests
{
    // Float32 products summed over k terms of magnitude ≤ 1 drift from the double reference by about k·2⁻²⁴ in the
    // worst case; 1e-5 relative to Σ|a·b| (plus a tiny absolute floor) covers k up to several hundred with margin.
    private const double RelativeTolerance = 1e-5;

    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 7, 1, 5 }, { 5, 3, 1 }, { 6, 16, 8 }, { 13, 17, 19 }, { 6, 16, 257 },
        { 73, 35, 3 }, { 71, 257, 255 }, { 100, 300, 513 }, { 145, 33, 600 }, { 2, 4100, 9 }, { 250, 18, 70 },
        { 7, 4100, 1100 }, // wide enough for two packed column chunks of B
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMul_VariousShapes_MatchesDoubleReference(int m, int k, int n)
    {
        float[] a = TestData.Random(m * k, seed: m * 31 + k);
        float[] b = TestData.Random(k * n, seed: n * 17 + k);
        float[] c = new float[m * n];
        Gemm.MatMul(a, b, c, m, k, n);
        AssertClose(Reference(a, false, b, false, m, k, n, null, null), c, a, b, false, false, m, k, n);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulTransposeB_VariousShapes_MatchesDoubleReference(int m, int k, int n)
    {
        float[] a = TestData.Random(m * k, seed: 3 + m);
        float[] b = TestData.Random(n * k, seed: 5 + n);
        float[] c = new float[m * n];
        Gemm.MatMulTransposeB(a, b, c, m, k, n);
        AssertClose(Reference(a, false, b, true, m, k, n, null, null), c, a, b, false, true, m, k, n);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulTransposeA_VariousShapes_MatchesDoubleReference(int m, int k, int n)
    {
        float[] a = TestData.Random(k * m, seed: 7 + k);
        float[] b = TestData.Random(k * n, seed: 11 + n);
        float[] c = new float[m * n];
        Gemm.MatMulTransposeA(a, b, c, m, k, n);
        AssertClose(Reference(a, true, b, false, m, k, n, null, null), c, a, b, true, false, m, k, n);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Multiply_BiasAndAccumulate_MatchesDoubleReference(bool transposeA, bool transposeB)
    {
        const int m = 37, k = 300, n = 45;
        float[] a = TestData.Random(m * k, seed: 1);
        float[] b = TestData.Random(k * n, seed: 2);
        float[] bias = TestData.Random(n, seed: 3);
        float[] c = TestData.Random(m * n, seed: 4);
        float[] initial = (float[])c.Clone();
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, n, bias, accumulate: true);
        AssertClose(Reference(a, transposeA, b, transposeB, m, k, n, bias, initial), c, a, b, transposeA, transposeB, m, k, n);
    }

    [Fact]
    public void Multiply_BiasWithoutAccumulate_OverwritesC()
    {
        const int m = 9, k = 20, n = 19;
        float[] a = TestData.Random(m * k, seed: 8);
        float[] b = TestData.Random(k * n, seed: 9);
        float[] bias = TestData.Random(n, seed: 10);
        float[] c = Enumerable.Repeat(1000f, m * n).ToArray();
        Gemm.MatMul(a, b, c, m, k, n, bias);
        AssertClose(Reference(a, false, b, false, m, k, n, bias, null), c, a, b, false, false, m, k, n);
    }

    [Fact]
    public void Multiply_StridedSubmatrices_ReadsAndWritesOnlyTheirElements()
    {
        // A is columns 3..3+k of a wider matrix; C is written into columns 2..2+n of a wider buffer.
        const int m = 20, k = 33, n = 18, lda = 50, ldb = 40, ldc = 25;
        float[] a = TestData.Random(m * lda, seed: 12);
        float[] b = TestData.Random(k * ldb, seed: 13);
        float[] c = Enumerable.Repeat(-7f, m * ldc).ToArray();
        Gemm.Multiply(false, false, m, n, k, a.AsSpan(3), lda, b.AsSpan(5), ldb, c.AsSpan(2), ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                float got = c[i * ldc + j];
                if (j < 2 || j >= 2 + n)
                {
                    Assert.Equal(-7f, got);
                    continue;
                }
                double expected = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double prod = (double)a[i * lda + 3 + p] * b[p * ldb + 5 + j - 2];
                    expected += prod;
                    magnitude += Math.Abs(prod);
                }
                Assert.True(Math.Abs(got - expected) <= RelativeTolerance * magnitude + 1e-7, $"C[{i},{j}] = {got}, expected {expected}");
            }
        }
    }

    [Fact]
    public void Multiply_ZeroInnerDimension_GivesBiasOnly()
    {
        float[] c = [5f, 5f, 5f, 5f];
        Gemm.Multiply(false, false, 2, 2, 0, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2, c, 2, [1f, 2f]);
        Assert.Equal([1f, 2f, 1f, 2f], c);
    }

    [Fact]
    public void Multiply_BufferTooSmall_Throws()
    {
        float[] a = new float[10], b = new float[10], c = new float[10];
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(a, b, c, 4, 4, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 2, a, 1, b, 2, c, 2));
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(a, b, c, 2, 2, 2, bias: new float[3]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Multiply_OneVersusManyThreads_BitIdentical(bool transposeA, bool transposeB)
    {
        // Large enough for several k-slabs, several parallel tiles and edge tiles in both dimensions.
        const int m = 203, k = 600, n = 531;
        float[] a = TestData.Random(m * k, seed: 21);
        float[] b = TestData.Random(k * n, seed: 22);
        float[] bias = TestData.Random(n, seed: 23);
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        float[] single = new float[m * n];
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, single, n, bias, threads: 1);
        AssertThreadIndependent(transposeA, transposeB, m, k, n, a, b, bias, single);
    }

    [Fact]
    public void Multiply_SeveralColumnChunks_OneVersusManyThreadsBitIdentical()
    {
        const int m = 30, k = 4100, n = 1100;
        float[] a = TestData.Random(m * k, seed: 31);
        float[] b = TestData.Random(k * n, seed: 32);
        float[] single = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, single, n, threads: 1);
        AssertThreadIndependent(false, false, m, k, n, a, b, [], single);
    }

    private static void AssertThreadIndependent(bool transposeA, bool transposeB, int m, int k, int n, float[] a, float[] b,
        float[] bias, float[] single)
    {
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        foreach (int threads in new[] { 2, 3, 8 })
        {
            float[] multi = new float[m * n];
            Gemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, multi, n, bias, threads: threads);
            Assert.Equal(single, multi);
        }
    }

    [Fact]
    public void ComputeEnvironment_Describe_NamesBackendAndKernel()
    {
        ComputeDescription description = ComputeEnvironment.Describe();
        Assert.Equal("managed-simd", description.Backend);
        Assert.False(string.IsNullOrEmpty(description.Kernel));
        Assert.False(string.IsNullOrEmpty(description.InstructionSets));
        Assert.True(description.Threads >= 1);
        Assert.Contains("managed-simd", description.ToString(), StringComparison.Ordinal);
    }

    private static double[] Reference(float[] a, bool ta, float[] b, bool tb, int m, int k, int n, float[]? bias, float[]? initial)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = (initial?[i * n + j] ?? 0) + (bias?[j] ?? 0);
                for (int p = 0; p < k; p++)
                {
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static void AssertClose(double[] expected, float[] actual, float[] a, float[] b, bool ta, bool tb, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double magnitude = 1;
                for (int p = 0; p < k; p++)
                {
                    magnitude += Math.Abs((double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]));
                }
                double diff = Math.Abs(actual[i * n + j] - expected[i * n + j]);
                Assert.True(diff <= RelativeTolerance * magnitude,
                    $"C[{i},{j}] = {actual[i * n + j]}, expected {expected[i * n + j]} (|Δ| {diff:E2}, scale {magnitude:F1})");
            }
        }
    }
}
