using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Testing;

namespace InvarLock.Metrics.Tests;

public sealed class CausalPerplexityMetricTests
{
    private static readonly CausalPerplexityMetric Metric = new();

    [Fact]
    public void Score_FakeModel_EqualsDoubleNllFromTheHeadsLogits()
    {
        var model = new FakeModel(layers: 2, width: 8, vocab: 40, positions: 32, seed: 3);
        List<ReadOnlyMemory<int>> windows = FakeModel.Windows(3, 12, vocab: 40);

        IReadOnlyList<WindowLoss> losses = Metric.Score(model, new MetricRequest(windows));

        var reference = new ReferenceSink();
        model.Forward(windows, reference);
        for (int w = 0; w < windows.Count; w++)
        {
            Assert.Equal(11, losses[w].TokenCount);
            Assert.Equal(reference.Losses[w], losses[w].LossSum, 1e-5);
        }
    }

    [Fact]
    public void Score_DecoderModelAnyThreadCount_BitIdentical()
    {
        using IModel one = TinyModels.Load("llama", threads: 1);
        using IModel two = TinyModels.Load("llama", threads: 2);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(one, 5, 48);

        Assert.Equal(Metric.Score(one, new MetricRequest(windows)), Metric.Score(two, new MetricRequest(windows)));
    }

    [Fact]
    public void Score_EmptyAndSingleTokenWindows_CountNoPrediction()
    {
        using IModel model = TinyModels.Load("gpt2");

        IReadOnlyList<WindowLoss> losses = Metric.Score(model, new MetricRequest([Array.Empty<int>(), new[] { 3 }]));

        Assert.All(losses, l => Assert.Equal(new WindowLoss(0.0, 0), l));
    }

    [Fact]
    public void Score_Progress_AdvancesByWindows()
    {
        using IModel model = TinyModels.Load("gpt2");
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(model, 6, 8);
        var reported = new List<int>();

        Metric.Score(model, new MetricRequest(windows) { Progress = new SyncProgress(reported.Add) });

        Assert.Equal(6, reported.Sum());
    }

    [Fact]
    public void Score_Cancelled_Throws()
    {
        using IModel model = TinyModels.Load("gpt2");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            Metric.Score(model, new MetricRequest(TinyModels.Windows(model, 2, 8)) { CancellationToken = cts.Token }));
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private sealed class ReferenceSink : IWindowSink
    {
        public List<double> Losses { get; } = [];

        public void OnWindow(in WindowOutput output)
        {
            IOutputHead head = output.Head;
            int rows = output.Tokens.Length - 1;
            var logits = new float[rows * head.Vocab];
            head.Logits(output.Hidden[..(rows * head.Hidden)], rows, 0, head.Vocab, logits);
            double loss = 0;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = logits.AsSpan(r * head.Vocab, head.Vocab);
                double max = double.NegativeInfinity;
                foreach (float v in row)
                {
                    max = Math.Max(max, v);
                }
                double z = 0;
                foreach (float v in row)
                {
                    z += Math.Exp(v - max);
                }
                loss += max + Math.Log(z) - row[output.Tokens[r + 1]];
            }
            Losses.Add(loss);
        }
    }
}
