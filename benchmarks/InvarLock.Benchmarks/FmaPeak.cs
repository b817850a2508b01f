using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InvarLock.Benchmarks;

/// <summary>The attainable single-precision FMA peak of this machine at its current clock: each worker runs
/// 12 independent 256-bit FMA chains (enough to cover the FMA latency on two pipes) for a fixed count and the
/// best of several runs is kept. GFLOP/s = workers × iterations × 12 × 8 lanes × 2 / seconds. Where the CPU has
/// AVX-512F the same probe also runs with 512-bit chains (16 lanes): the peak for the widest ISA the GEMM uses.</summary>
internal static class FmaPeak
{
    private const int Chains = 12;
    private const long Iterations = 50_000_000;

    internal static void Measure(int threads)
    {
        if (!Fma.IsSupported || !Avx.IsSupported)
        {
            Console.WriteLine("fma-peak: AVX2 FMA not supported on this machine");
            return;
        }
        foreach (int workers in threads == 1 ? new[] { 1 } : new[] { 1, Math.Max(1, threads == 0 ? Environment.ProcessorCount : threads) })
        {
            double best = double.MaxValue;
            float sink = 0;
            for (int run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                var partial = new float[workers];
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => partial[w] = Spin(Iterations));
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
                sink += partial[0];
            }
            double gflops = workers * Iterations * Chains * 8 * 2 / best / 1e9;
            Console.WriteLine($"fma-peak: {workers} worker(s): {gflops:F1} GFLOP/s ({gflops / workers:F1} per core, {gflops / workers / 32:F2} GHz-equivalent at 32 FLOP/cycle){(sink == 12345f ? " " : "")}");
            if (Avx512F.IsSupported)
            {
                double best512 = double.MaxValue;
                for (int run = 0; run < 5; run++)
                {
                    var clock = Stopwatch.StartNew();
                    var partial = new float[workers];
                    Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => partial[w] = Spin512(Iterations));
                    best512 = Math.Min(best512, clock.Elapsed.TotalSeconds);
                    sink += partial[0];
                }
                double gflops512 = workers * Iterations * Chains * 16 * 2 / best512 / 1e9;
                Console.WriteLine($"fma-peak avx512: {workers} worker(s): {gflops512:F1} GFLOP/s ({gflops512 / workers:F1} per core){(sink == 12345f ? " " : "")}");
            }
        }
    }

    private static float Spin512(long iterations)
    {
        Vector512<float> a = Vector512.Create(0.999999f);
        Vector512<float> b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector512<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b);
            c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        Vector512<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector512.Sum(sum);
    }

    private static float Spin(long iterations)
    {
        Vector256<float> a = Vector256.Create(0.999999f);
        Vector256<float> b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector256<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b);
            c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b);
            c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b);
            c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b);
            c11 = Fma.MultiplyAdd(c11, a, b);
        }
        Vector256<float> sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        return Vector256.Sum(sum);
    }
}
