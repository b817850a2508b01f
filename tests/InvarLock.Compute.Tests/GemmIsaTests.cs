using InvarLock.Sdk.Errors;

namespace InvarLock.Compute.Tests;

/// <summary>Every micro-kernel family, forced whatever the CPU reports (Vector512 runs emulated without AVX-512),
/// against the scalar FMA definition, across thread counts and across instruction sets.</summary>
public class GemmIsaTests
{
    /// <summary>The documented cross-ISA tolerance (docs/performance.md §4): none, every family rounds identically.</summary>
    private const int CrossIsaUlps = 0;

    public static TheoryData<GemmIsa> Isas() => new() { GemmIsa.Portable, GemmIsa.Avx2, GemmIsa.Avx512 };

    public static TheoryData<GemmIsa, int, int, int, bool, bool> OddShapes()
    {
        var data = new TheoryData<GemmIsa, int, int, int, bool, bool>();
        // m, k, n off the 6 × 16 (and 6 × 32) tiles, k across several 256-slabs, n across several 256-column tasks.
        (int M, int K, int N)[] shapes = [(1, 1, 1), (5, 3, 17), (7, 257, 33), (13, 19, 47), (6, 16, 32), (12, 300, 64), (29, 513, 95), (73, 40, 290)];
        foreach (GemmIsa isa in new[] { GemmIsa.Portable, GemmIsa.Avx2, GemmIsa.Avx512 })
        {
            foreach (var (m, k, n) in shapes)
            {
                data.Add(isa, m, k, n, false, false);
                data.Add(isa, m, k, n, m % 2 == 1, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void Multiply_ForcedIsaOddShapesStridedAccumulate_MatchesFmaReferenceExactly(GemmIsa isa, int m, int k, int n,
        bool transposeA, bool transposeB)
    {
        var backend = new ManagedGemmBackend(isa);
        int lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 5, ldc = n + 2;
        float[] a = TestData.Random((transposeA ? k : m) * lda, seed: m + 7 * k);
        float[] b = TestData.Random((transposeB ? n : k) * ldb, seed: n + 11 * k);
        float[] bias = TestData.Random(n, seed: 5);
        float[] initial = TestData.Random(m * ldc, seed: 6);
        foreach (bool accumulate in new[] { false, true })
        {
            float[] expected = (float[])initial.Clone();
            FmaReference.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, expected, ldc, bias, accumulate);
            float[] actual = (float[])initial.Clone();
            backend.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, actual, ldc, bias, accumulate, threads: 2);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Multiply_ForcedIsaHalfB_MatchesFmaReferenceOfWidenedBExactly(GemmIsa isa)
    {
        var backend = new ManagedGemmBackend(isa);
        const int m = 11, k = 270, n = 53;
        foreach (HalfFormat format in new[] { HalfFormat.Float16, HalfFormat.BFloat16 })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                int ldb = (transposeB ? k : n) + 1;
                float[] a = TestData.Random(m * k, seed: 41);
                var bits = new ushort[(transposeB ? n : k) * ldb];
                HalfConversions.Narrow(TestData.Random(bits.Length, seed: 42), format, bits);
                var wide = new float[bits.Length];
                HalfConversions.Widen(bits, format, wide);
                float[] expected = new float[m * n];
                FmaReference.Multiply(false, transposeB, m, n, k, a, k, wide, ldb, expected, n, null, accumulate: false);
                float[] actual = new float[m * n];
                backend.Multiply(false, transposeB, m, n, k, a, k, bits, format, ldb, actual, n, [], false, threads: 3);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Isas))]
    public void Multiply_ForcedIsaAnyThreadCount_BitIdentical(GemmIsa isa)
    {
        var backend = new ManagedGemmBackend(isa);
        const int m = 97, k = 530, n = 300; // several slabs, tiles and edges
        float[] a = TestData.Random(m * k, seed: 51);
        float[] b = TestData.Random(n * k, seed: 52);
        float[] bias = TestData.Random(n, seed: 53);
        float[] single = new float[m * n];
        backend.Multiply(false, true, m, n, k, a, k, b, k, single, n, bias, false, threads: 1);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            float[] multi = new float[m * n];
            backend.Multiply(false, true, m, n, k, a, k, b, k, multi, n, bias, false, threads);
            Assert.Equal(single, multi);
        }
    }

    [Fact]
    public void Multiply_ConcurrentCallers_EachBitIdenticalToSerial()
    {
        // Concurrent multi-threaded calls: one holds the worker pool, the others fall back to Parallel.For.
        const int m = 61, k = 300, n = 130, callers = 6;
        var backend = new ManagedGemmBackend(GemmIsaSelection.Widest);
        float[][] a = new float[callers][];
        float[][] expected = new float[callers][];
        float[] b = TestData.Random(k * n, seed: 71);
        for (int t = 0; t < callers; t++)
        {
            a[t] = TestData.Random(m * k, seed: 72 + t);
            expected[t] = new float[m * n];
            backend.Multiply(false, false, m, n, k, a[t], k, b, n, expected[t], n, [], false, threads: 1);
        }
        float[][] actual = new float[callers][];
        Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, t =>
        {
            for (int repeat = 0; repeat < 5; repeat++)
            {
                var c = new float[m * n];
                backend.Multiply(false, false, m, n, k, a[t], k, b, n, c, n, [], false, threads: 3);
                actual[t] = c;
                Assert.Equal(expected[t], c);
            }
        });
        for (int t = 0; t < callers; t++)
        {
            Assert.Equal(expected[t], actual[t]);
        }
    }

    [Fact]
    public void Multiply_AcrossIsas_WithinDocumentedTolerance()
    {
        const int m = 40, k = 700, n = 200;
        float[] a = TestData.Random(m * k, seed: 61, scale: 3f);
        float[] b = TestData.Random(k * n, seed: 62);
        float[] reference = new float[m * n];
        new ManagedGemmBackend(GemmIsa.Avx2).Multiply(false, false, m, n, k, a, k, b, n, reference, n, [], false, threads: 2);
        foreach (GemmIsa isa in new[] { GemmIsa.Portable, GemmIsa.Avx512 })
        {
            float[] other = new float[m * n];
            new ManagedGemmBackend(isa).Multiply(false, false, m, n, k, a, k, b, n, other, n, [], false, threads: 2);
            for (int i = 0; i < reference.Length; i++)
            {
                long ulps = Math.Abs((long)BitConverter.SingleToInt32Bits(reference[i]) - BitConverter.SingleToInt32Bits(other[i]));
                Assert.True(ulps <= CrossIsaUlps, $"{isa}: element {i} differs by {ulps} ulp ({reference[i]} vs {other[i]})");
            }
        }
    }

    [Theory]
    [InlineData(GemmIsa.Portable, "portable-vector128-fma")]
    [InlineData(GemmIsa.Avx2, "avx2-fma")]
    [InlineData(GemmIsa.Avx512, "avx512-fma")]
    public void KernelName_ForcedIsa_NamesIt(GemmIsa isa, string expected) =>
        Assert.Equal(expected, new ManagedGemmBackend(isa).KernelName);

    [Fact]
    public void Describe_DefaultBackend_RecordsItsIsaKernel()
    {
        ComputeDescription description = ComputeEnvironment.Describe();
        Assert.Equal(ManagedGemmBackend.Instance.KernelName, description.Kernel);
        Assert.Contains(ManagedGemmBackend.Instance.KernelName, description.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Resolve_Unset_PicksWidestSupported(string? value)
    {
        GemmIsa isa = GemmIsaSelection.Resolve(value);
        Assert.Equal(GemmIsaSelection.Widest, isa);
        Assert.True(GemmIsaSelection.IsSupported(isa));
    }

    [Theory]
    [InlineData("portable", GemmIsa.Portable)]
    [InlineData("PORTABLE", GemmIsa.Portable)]
    [InlineData("avx2", GemmIsa.Avx2)]
    [InlineData("avx512", GemmIsa.Avx512)]
    public void Resolve_KnownName_ForcesItOrRefusesWhatTheCpuLacks(string value, GemmIsa expected)
    {
        if (GemmIsaSelection.IsSupported(expected))
        {
            Assert.Equal(expected, GemmIsaSelection.Resolve(value));
            return;
        }
        var error = Assert.Throws<InvarLockException>(() => GemmIsaSelection.Resolve(value));
        Assert.Equal(ErrorCodes.Usage, error.Code);
        Assert.Equal(2, error.Code.ExitCode);
        Assert.Contains("INVARLOCK_ISA=" + value.ToLowerInvariant() + " cannot run on this CPU", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("avx1024")]
    [InlineData("sse2")]
    [InlineData("auto")]
    public void Resolve_UnknownName_IsUsageError(string value)
    {
        var error = Assert.Throws<InvarLockException>(() => GemmIsaSelection.Resolve(value));
        Assert.Equal(2, error.Code.ExitCode);
        Assert.Contains($"INVARLOCK_ISA='{value}' is not a known instruction set", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
