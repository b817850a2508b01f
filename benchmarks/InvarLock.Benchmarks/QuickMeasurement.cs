using InvarLock.Metrics;
using System.Diagnostics;
using System.Globalization;
using InvarLock.Compute;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick [gemm] [gemm-half] [gemm-packed] [gpt2] [gpt2-gemms] [fma-peak] [--threads N] [--lengths 128,512] [--shapes MxKxN,...]</c>: Stopwatch timings (best of
/// several runs) for a fast report, without BenchmarkDotNet's full statistics. Also dispatches
/// <c>--quick make-gpt2-small</c> (<see cref="Gpt2SmallCheckpoint"/>), <c>--quick eval</c> (<see cref="CheckpointThroughput"/>)
/// <c>--quick guard-fraction</c> (<see cref="GuardFraction"/>) and <c>--quick guard-profile</c> (<see cref="GuardProfile"/>).</summary>
internal static class QuickMeasurement
{
    internal static int Run(string[] args)
    {
        switch (args.Length > 0 ? args[0] : "")
        {
            case "make-gpt2-small": return Gpt2SmallCheckpoint.Run(args[1..]);
            case "make-llama": return LlamaCheckpoint.Run(args[1..]);
            case "eval": return CheckpointThroughput.Run(args[1..]);
            case "guard-fraction": return GuardFraction.Run(args[1..]);
            case "guard-profile": return GuardProfile.Run(args[1..]);
        }
        int threads = 0;
        int[] lengths = [128, 512, 1024];
        (int M, int K, int N)[] shapes = [(768, 768, 768), (512, 3072, 768), (512, 768, 3072), (1024, 768, 2048)];
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
            else if (args[i] == "--shapes" && i + 1 < args.Length)
            {
                shapes = args[++i].Split(',').Select(ParseShape).ToArray();
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
        if (what.Contains("fma-peak"))
        {
            FmaPeak.Measure(threads);
        }
        if (what.Contains("gemm"))
        {
            foreach (var (m, k, n) in shapes)
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    _ = MeasureGemm(m, k, n, transposeB, threads);
                }
            }
        }
        if (what.Contains("gemm-half"))
        {
            foreach (var (m, k, n) in shapes)
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    foreach (HalfFormat format in new[] { HalfFormat.BFloat16, HalfFormat.Float16 })
                    {
                        MeasureHalfGemm(m, k, n, transposeB, format, threads);
                    }
                }
            }
        }
        if (what.Contains("gemm-packed"))
        {
            foreach (var (m, k, n) in shapes)
            {
                MeasurePackedGemm(m, k, n, null, threads);
                MeasurePackedGemm(m, k, n, HalfFormat.BFloat16, threads);
            }
        }
        if (what.Contains("gpt2-gemms"))
        {
            foreach (int length in lengths)
            {
                MeasureGpt2Gemms(length, threads);
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

    /// <summary>Times the dense GEMMs of one GPT-2 small window of <paramref name="length"/> tokens, shape by shape,
    /// and adds them up as one forward pass runs them (4 per block × 12 blocks; the tied head in 2048-token vocabulary
    /// chunks), to split a window's time into GEMM and the rest (attention, layer norms, GELU, softmax).</summary>
    private static void MeasureGpt2Gemms(int length, int threads)
    {
        const int Layers = 12, Embd = 768, Vocab = 50257, Chunk = 2048;
        double perWindow = 0;
        double flops = 0;
        foreach (var (m, k, n, transposeB, count) in new[] { (length, Embd, 3 * Embd, false, Layers), (length, Embd, Embd, false, Layers),
            (length, Embd, 4 * Embd, false, Layers), (length, 4 * Embd, Embd, false, Layers), (length - 1, Embd, Chunk, true, Vocab / Chunk) })
        {
            double seconds = MeasureGemm(m, k, n, transposeB, threads);
            perWindow += count * seconds;
            flops += count * 2.0 * m * k * n;
        }
        int tail = Vocab % Chunk;
        perWindow += MeasureGemm(length - 1, Embd, tail, true, threads);
        flops += 2.0 * (length - 1) * Embd * tail;
        Console.WriteLine($"gpt2-small window {length}: dense GEMMs {perWindow * 1e3:F1} ms per window, {flops / perWindow / 1e9:F1} GFLOP/s over {flops / 1e9:F2} GFLOP");
    }

    private static (int M, int K, int N) ParseShape(string text)
    {
        string[] parts = text.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static double MeasureGemm(int m, int k, int n, bool transposeB, int threads)
    {
        var rng = new Random(1);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] c = new float[m * n];
        void Once() => Gemm.Multiply(false, transposeB, m, n, k, a, k, b, transposeB ? k : n, c, n, threads: threads);
        double best = Best(Once, minRuns: 5, minSeconds: 1.0);
        double gflops = 2.0 * m * k * n / best / 1e9;
        Console.WriteLine($"gemm {m}x{k}x{n}{(transposeB ? " (B^T)" : "")}: {best * 1e3:F2} ms, {gflops:F1} GFLOP/s");
        return best;
    }

    /// <summary>The same product with B stored as 16-bit floats (widened while packing).</summary>
    private static void MeasureHalfGemm(int m, int k, int n, bool transposeB, HalfFormat format, int threads)
    {
        var rng = new Random(1);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] wide = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
        var b = new ushort[wide.Length];
        HalfConversions.Narrow(wide, format, b);
        float[] c = new float[m * n];
        void Once() => Gemm.Multiply(false, transposeB, m, n, k, a, k, b, format, transposeB ? k : n, c, n, threads: threads);
        double best = Best(Once, minRuns: 5, minSeconds: 1.0);
        double gflops = 2.0 * m * k * n / best / 1e9;
        Console.WriteLine($"gemm {m}x{k}x{n}{(transposeB ? " (B^T)" : "")} B={format}: {best * 1e3:F2} ms, {gflops:F1} GFLOP/s");
    }

    /// <summary>A·Bᵀ with an <c>nn.Linear</c>-layout B (float32, or BF16 when <paramref name="format"/> is set), unpacked
    /// against packed once with <see cref="PackedMatrix"/> (BF16 kept 16-bit), as the LM head runs per window.</summary>
    private static void MeasurePackedGemm(int m, int k, int n, HalfFormat? format, int threads)
    {
        var rng = new Random(1);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] wide = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] c = new float[m * n];
        var bits = new ushort[wide.Length];
        Action unpacked;
        PackedMatrix packed;
        var pack = Stopwatch.StartNew();
        if (format is { } f)
        {
            HalfConversions.Narrow(wide, f, bits);
            pack.Restart();
            packed = PackedMatrix.Pack(bits, f, transposeB: true, k, n, threads: threads);
            unpacked = () => Gemm.MatMulTransposeB(a, bits, f, c, m, k, n, threads: threads);
        }
        else
        {
            pack.Restart();
            packed = PackedMatrix.Pack(wide, transposeB: true, k, n, threads: threads);
            unpacked = () => Gemm.MatMulTransposeB(a, wide, c, m, k, n, threads: threads);
        }
        double packSeconds = pack.Elapsed.TotalSeconds;
        double flops = 2.0 * m * k * n;
        double plain = Best(unpacked, minRuns: 5, minSeconds: 1.0);
        double once = Best(() => Gemm.MatMul(a, packed, c, m, threads: threads), minRuns: 5, minSeconds: 1.0);
        Console.WriteLine($"gemm {m}x{k}x{n} (B^T) B={(format?.ToString() ?? "Float32")}: unpacked {plain * 1e3:F2} ms ({flops / plain / 1e9:F1} GFLOP/s), "
            + $"packed {once * 1e3:F2} ms ({flops / once / 1e9:F1} GFLOP/s); pack once {packSeconds * 1e3:F1} ms, {packed.ByteCount / 1048576.0:F1} MiB");
    }

    private static void MeasureGpt2(int length, int threads)
    {
        using var model = BenchmarkModels.CreateGpt2(BenchmarkModels.Gpt2Small, threads);
        ReadOnlyMemory<int>[] windows = [BenchmarkModels.RandomTokens(length, model.Description.VocabSize, seed: 7)];
        double best = Best(() => model.CausalLosses(windows), minRuns: 3, minSeconds: 3.0);
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
