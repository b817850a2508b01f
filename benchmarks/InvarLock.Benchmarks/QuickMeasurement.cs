using System.Diagnostics;
using System.Globalization;
using InvarLock.Compute;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick [gemm] [gpt2] [--threads N] [--lengths 128,512]</c>: Stopwatch timings (best of several runs) for a fast report,
/// without BenchmarkDotNet's full statistics.</summary>
internal static class QuickMeasurement
{
    internal static int Run(string[] args)
    {
        int threads = 0;
        int[] lengths = [128, 512, 1024];
        var what = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--threads" && i + 1 < args.Length)
            {
                threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--lengths" && i + 1 < args.Length)
            {
                lengths = args[++i].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            }
            else
            {
                what.Add(args[i]);
            }
        }
        if (what.Count == 0)
        {
            what.UnionWith(["gemm", "gpt2"]);
        }
        if (threads > 0)
        {
            ComputeEnvironment.Threads = threads;
        }
        Console.WriteLine($"compute: {ComputeEnvironment.Describe()}");
        if (what.Contains("gemm"))
        {
            foreach (var (m, k, n) in new[] { (768, 768, 768), (512, 3072, 768), (512, 768, 3072), (1024, 768, 2048) })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    MeasureGemm(m, k, n, transposeB, threads);
                }
            }
        }
        if (what.Contains("gpt2-gemms"))
        {
            // The GEMM shapes of one GPT-2 small window of 1024 tokens.
            foreach (var (m, k, n, transposeB) in new[] { (1024, 768, 2304, false), (1024, 768, 768, false), (1024, 768, 3072, false),
                (1024, 3072, 768, false), (1023, 768, 2048, true), (64, 64, 1024, true), (64, 1024, 64, false) })
            {
                MeasureGemm(m, k, n, transposeB, threads);
            }
        }
        if (what.Contains("gpt2"))
        {
            foreach (int length in lengths)
            {
                MeasureGpt2(length, threads);
            }
        }
        return 0;
    }

    private static void MeasureGemm(int m, int k, int n, bool transposeB, int threads)
    {
        var rng = new Random(1);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] c = new float[m * n];
        void Once() => Gemm.Multiply(false, transposeB, m, n, k, a, k, b, transposeB ? k : n, c, n, threads: threads);
        double best = Best(Once, minRuns: 5, minSeconds: 1.0);
        double gflops = 2.0 * m * k * n / best / 1e9;
        Console.WriteLine($"gemm {m}x{k}x{n}{(transposeB ? " (B^T)" : "")}: {best * 1e3:F2} ms, {gflops:F1} GFLOP/s");
    }

    private static void MeasureGpt2(int length, int threads)
    {
        using var model = BenchmarkModels.CreateGpt2(BenchmarkModels.Gpt2Small, threads);
        ReadOnlyMemory<int>[] windows = [BenchmarkModels.RandomTokens(length, model.Config.VocabSize, seed: 7)];
        double best = Best(() => model.Evaluate(windows), minRuns: 3, minSeconds: 3.0);
        Console.WriteLine($"gpt2-small window {length}: {best * 1e3:F1} ms, {length / best:F1} tokens/s");
    }

    private static double Best(Action action, int minRuns, double minSeconds)
    {
        action(); // warm-up (JIT, buffers)
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int run = 0; run < minRuns || total.Elapsed.TotalSeconds < minSeconds; run++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
