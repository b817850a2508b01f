namespace InvarLock.Compute.Tests;

public class PackedMatrixTests
{
    public static TheoryData<GemmIsa, int, int, int, bool> Cases()
    {
        var data = new TheoryData<GemmIsa, int, int, int, bool>();
        (int M, int K, int N)[] shapes = [(1, 1, 1), (5, 3, 17), (13, 257, 47), (6, 40, 290), (30, 4100, 1100)]; // the last: two column chunks
        foreach (GemmIsa isa in new[] { GemmIsa.Portable, GemmIsa.Avx2, GemmIsa.Avx512 })
        {
            foreach (var (m, k, n) in shapes)
            {
                if (isa == GemmIsa.Avx512 && k > 1000)
                {
                    continue; // emulated Vector512 is slow; the chunked layout is the same for every ISA
                }
                data.Add(isa, m, k, n, false);
                data.Add(isa, m, k, n, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_PackedFloat32_BitIdenticalToUnpacked(GemmIsa isa, int m, int k, int n, bool transposeB)
    {
        var backend = new ManagedGemmBackend(isa);
        int ldb = (transposeB ? k : n) + 3, ldc = n + 1;
        float[] a = TestData.Random(m * k, seed: m + k);
        float[] b = TestData.Random((transposeB ? n : k) * ldb, seed: n);
        float[] bias = TestData.Random(n, seed: 2);
        float[] initial = TestData.Random(m * ldc, seed: 3);
        float[] expected = (float[])initial.Clone();
        backend.Multiply(false, transposeB, m, n, k, a, k, b, ldb, expected, ldc, bias, true, threads: 1);

        PackedMatrix packed = PackedMatrix.Pack(b, transposeB, k, n, ldb, threads: 2);
        Assert.Null(packed.Format);
        foreach (int threads in new[] { 1, 3 })
        {
            float[] actual = (float[])initial.Clone();
            backend.Multiply(false, m, a, k, packed, actual, ldc, bias, true, threads);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_PackedHalf_BitIdenticalToUnpackedHalf(GemmIsa isa, int m, int k, int n, bool transposeB)
    {
        var backend = new ManagedGemmBackend(isa);
        HalfFormat format = (m + n) % 2 == 0 ? HalfFormat.BFloat16 : HalfFormat.Float16;
        int ldb = (transposeB ? k : n) + 2;
        float[] a = TestData.Random(m * k, seed: 9 + m);
        var b = new ushort[(transposeB ? n : k) * ldb];
        HalfConversions.Narrow(TestData.Random(b.Length, seed: 10 + n), format, b);
        float[] expected = new float[m * n];
        backend.Multiply(false, transposeB, m, n, k, a, k, b, format, n == 0 ? 1 : ldb, expected, n, [], false, threads: 1);

        foreach (bool widen in new[] { false, true })
        {
            PackedMatrix packed = PackedMatrix.Pack(b, format, transposeB, k, n, ldb, widen, threads: 2);
            Assert.Equal(widen ? null : format, packed.Format);
            float[] actual = new float[m * n];
            backend.Multiply(false, m, a, k, packed, actual, n, [], false, threads: 2);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void MatMul_PackedTransposedAAndConvenienceForm_MatchUnpacked()
    {
        const int m = 19, k = 300, n = 70;
        float[] a = TestData.Random(k * m, seed: 21); // stored k × m for op(A) = Aᵀ
        float[] b = TestData.Random(n * k, seed: 22);
        PackedMatrix packed = PackedMatrix.Pack(b, transposeB: true, k, n);

        float[] expected = new float[m * n];
        Gemm.Multiply(true, true, m, n, k, a, m, b, k, expected, n);
        float[] actual = new float[m * n];
        Gemm.Multiply(true, m, a, m, packed, actual, n);
        Assert.Equal(expected, actual);

        float[] rowMajorA = TestData.Random(m * k, seed: 23);
        Gemm.MatMulTransposeB(rowMajorA, b, expected, m, k, n);
        Gemm.MatMul(rowMajorA, packed, actual, m);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Pack_HalfKeptHalf_UsesHalfTheBytesOfWidened()
    {
        var b = new ushort[64 * 100];
        PackedMatrix half = PackedMatrix.Pack(b, HalfFormat.BFloat16, transposeB: false, k: 64, n: 100);
        PackedMatrix wide = PackedMatrix.Pack(b, HalfFormat.BFloat16, transposeB: false, k: 64, n: 100, widen: true);
        Assert.Equal(64L * 112 * sizeof(ushort), half.ByteCount); // n padded to whole 16-column panels
        Assert.Equal(2 * half.ByteCount, wide.ByteCount);
        Assert.Equal((64, 100), (half.K, half.N));
    }

    [Fact]
    public void Pack_InconsistentSource_Throws()
    {
        Assert.Throws<ArgumentException>(() => PackedMatrix.Pack(new float[10], transposeB: false, k: 4, n: 4));
        Assert.Throws<ArgumentException>(() => PackedMatrix.Pack(new float[100], transposeB: true, k: 10, n: 10, ldb: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedMatrix.Pack(new ushort[4], (HalfFormat)7, false, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedMatrix.Pack(new float[4], false, -1, 2));
    }

    [Fact]
    public void Multiply_PackedWithWrongOperands_Throws()
    {
        PackedMatrix packed = PackedMatrix.Pack(new float[6 * 5], transposeB: false, k: 6, n: 5);
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(new float[2 * 5], packed, new float[2 * 5], 2)); // A needs 2 × 6
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(new float[2 * 6], packed, new float[9], 2));    // C needs 2 × 5
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(new float[2 * 6], packed, new float[10], 2, bias: new float[6]));
        Assert.Throws<ArgumentNullException>(() => Gemm.MatMul(new float[2 * 6], null!, new float[10], 2));
    }

    [Fact]
    public void Multiply_PackedZeroInnerDimension_GivesBiasOnly()
    {
        PackedMatrix packed = PackedMatrix.Pack(ReadOnlySpan<float>.Empty, transposeB: true, k: 0, n: 2);
        float[] c = [5f, 5f, 5f, 5f];
        Gemm.Multiply(false, 2, ReadOnlySpan<float>.Empty, 1, packed, c, 2, [1f, 2f]);
        Assert.Equal([1f, 2f, 1f, 2f], c);
    }
}
