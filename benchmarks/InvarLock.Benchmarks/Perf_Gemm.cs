using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using InvarLock.Compute;

namespace InvarLock.Benchmarks;

/// <summary>Single-precision GEMM throughput at transformer shapes. GFLOP/s = 2·m·k·n / mean time.</summary>
[MemoryDiagnoser]
[Config(typeof(Perf_Gemm.Columns))]
public class Perf_Gemm
{
    /// <summary>Adds the GFLOP/s column.</summary>
    public sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new GflopsColumn(), new GflopsColumn(fromMinimum: true), StatisticColumn.Min);
    }

    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private ushort[] _bBFloat16 = [];
    private ushort[] _bFloat16 = [];

    /// <summary>Shape as "m×k×n".</summary>
    [Params("768x768x768", "512x768x3072", "512x3072x768")]
    public string Shape { get; set; } = "768x768x768";

    /// <summary>Worker threads (0 = all processors).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    private (int M, int K, int N) Dims
    {
        get
        {
            string[] parts = Shape.Split('x');
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var (m, k, n) = Dims;
        var rng = new Random(1);
        _a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[m * n];
        _bBFloat16 = new ushort[_b.Length];
        _bFloat16 = new ushort[_b.Length];
        HalfConversions.Narrow(_b, HalfFormat.BFloat16, _bBFloat16);
        HalfConversions.Narrow(_b, HalfFormat.Float16, _bFloat16);
        Console.WriteLine($"// {ComputeEnvironment.Describe()}; {2.0 * m * k * n / 1e9:F3} GFLOP per call");
    }

    [Benchmark]
    public void MatMul()
    {
        var (m, k, n) = Dims;
        Gemm.MatMul(_a, _b, _c, m, k, n, threads: Threads);
    }

    [Benchmark]
    public void MatMulTransposeB()
    {
        var (m, k, n) = Dims;
        Gemm.Multiply(false, true, m, n, k, _a, k, _b, k, _c, n, threads: Threads);
    }

    /// <summary>B stored BF16 <c>[n,k]</c> (an <c>nn.Linear</c> weight), widened while packing.</summary>
    [Benchmark]
    public void MatMulTransposeBBFloat16()
    {
        var (m, k, n) = Dims;
        Gemm.Multiply(false, true, m, n, k, _a, k, _bBFloat16, HalfFormat.BFloat16, k, _c, n, threads: Threads);
    }

    /// <summary>B stored F16 <c>[n,k]</c>, widened while packing.</summary>
    [Benchmark]
    public void MatMulTransposeBFloat16()
    {
        var (m, k, n) = Dims;
        Gemm.Multiply(false, true, m, n, k, _a, k, _bFloat16, HalfFormat.Float16, k, _c, n, threads: Threads);
    }
}
