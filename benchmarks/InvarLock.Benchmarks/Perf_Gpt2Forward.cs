using InvarLock.Metrics;
using InvarLock.Models.Decoder;
using BenchmarkDotNet.Attributes;
using InvarLock.Models.Gpt2;

namespace InvarLock.Benchmarks;

/// <summary>GPT-2 small (random weights) next-token loss over one window; tokens/s = Length / mean time.</summary>
public class Perf_Gpt2Forward
{
    private DecoderModel? _model;
    private ReadOnlyMemory<int>[] _windows = [];

    /// <summary>Window length in tokens.</summary>
    [Params(128, 512, 1024)]
    public int Length { get; set; } = 512;

    /// <summary>Worker threads (0 = all processors).</summary>
    [Params(0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModels.CreateGpt2(BenchmarkModels.Gpt2Small, Threads);
        _windows = [BenchmarkModels.RandomTokens(Length, _model.Description.VocabSize, seed: 7)];
    }

    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    [Benchmark]
    public double Evaluate() => _model!.CausalLosses(_windows)[0].LossSum;
}
