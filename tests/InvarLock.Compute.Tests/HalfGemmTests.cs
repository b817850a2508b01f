namespace InvarLock.Compute.Tests;

public class HalfGemmTests
{
    public static TheoryData<int, int, int, bool, HalfFormat> Cases()
    {
        var data = new TheoryData<int, int, int, bool, HalfFormat>();
        (int M, int K, int N)[] shapes = [(1, 1, 1), (5, 3, 17), (13, 17, 19), (7, 300, 33), (71, 257, 255), (64, 513, 130), (3, 1100, 4100)];
        foreach (var (m, k, n) in shapes)
        {
            foreach (bool transposeB in new[] { false, true })
            {
                foreach (HalfFormat format in new[] { HalfFormat.Float16, HalfFormat.BFloat16 })
                {
                    data.Add(m, k, n, transposeB, format);
                }
            }
        }
        return data;
    }

    /// <summary>Random B bits: values in [−1, 1) rounded to the format (plus some F16 subnormals).</summary>
    private static ushort[] RandomHalf(int count, HalfFormat format, int seed)
    {
        float[] values = TestData.Random(count, seed);
        for (int i = 0; i < count; i += 97)
        {
            values[i] *= 1e-6f; // subnormal in F16
        }
        var bits = new ushort[count];
        HalfConversions.Narrow(values, format, bits);
        return bits;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_HalfB_BitIdenticalToWidenedFloat32(int m, int k, int n, bool transposeB, HalfFormat format)
    {
        // Strided storage: A, B and C rows are padded.
        int lda = k + 3, ldb = (transposeB ? k : n) + 5, ldc = n + 2;
        int bRows = transposeB ? n : k;
        float[] a = TestData.Random(m * lda, seed: m + k);
        ushort[] b = RandomHalf(bRows * ldb, format, seed: n + 7);
        float[] bias = TestData.Random(n, seed: 3);
        float[] initial = TestData.Random(m * ldc, seed: 4);
        var wide = new float[b.Length];
        HalfConversions.Widen(b, format, wide);

        float[] expected = (float[])initial.Clone();
        Gemm.Multiply(false, transposeB, m, n, k, a, lda, wide, ldb, expected, ldc, bias, accumulate: true, threads: 1);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[] actual = (float[])initial.Clone();
            Gemm.Multiply(false, transposeB, m, n, k, a, lda, b, format, ldb, actual, ldc, bias, accumulate: true, threads: threads);
            AssertBitEqual(expected, actual, $"threads {threads}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatMulHalf_ConvenienceForms_MatchGeneralForm(bool transposeB)
    {
        const int m = 9, k = 70, n = 45;
        float[] a = TestData.Random(m * k, seed: 1);
        ushort[] b = RandomHalf(k * n, HalfFormat.BFloat16, seed: 2);
        var wide = new float[b.Length];
        HalfConversions.Widen(b, HalfFormat.BFloat16, wide);
        var expected = new float[m * n];
        var actual = new float[m * n];
        if (transposeB)
        {
            Gemm.MatMulTransposeB(a, wide, expected, m, k, n);
            Gemm.MatMulTransposeB(a, b, HalfFormat.BFloat16, actual, m, k, n);
        }
        else
        {
            Gemm.MatMul(a, wide, expected, m, k, n);
            Gemm.MatMul(a, b, HalfFormat.BFloat16, actual, m, k, n);
        }
        AssertBitEqual(expected, actual, "convenience");
    }

    [Fact]
    public void Multiply_HalfB_MatchesDoubleReference()
    {
        const int m = 11, k = 130, n = 21;
        float[] a = TestData.Random(m * k, seed: 5);
        ushort[] b = RandomHalf(n * k, HalfFormat.Float16, seed: 6);
        var c = new float[m * n];
        Gemm.MatMulTransposeB(a, b, HalfFormat.Float16, c, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = a[i * k + p] * (double)(float)BitConverter.UInt16BitsToHalf(b[j * k + p]);
                    sum += term;
                    magnitude += Math.Abs(term);
                }
                Assert.True(Math.Abs(c[i * n + j] - sum) <= 1e-5 * magnitude + 1e-7, $"C[{i},{j}] = {c[i * n + j]}, reference {sum}");
            }
        }
    }

    [Fact]
    public void Multiply_HalfBTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, true, 2, 3, 4, new float[8], 4, new ushort[11], HalfFormat.BFloat16, 4, new float[6], 3));
    }

    private static void AssertBitEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToUInt32Bits(expected[i]) != BitConverter.SingleToUInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, float32 path gives {expected[i]:R}");
            }
        }
    }
}
