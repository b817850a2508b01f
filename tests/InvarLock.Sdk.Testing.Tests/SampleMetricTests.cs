using Contoso.InvarLock.WarmPerplexity;
using InvarLock.Metrics;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing.Tests;

/// <summary>The sample third-party metric (tests/plugins/WarmPerplexity) unit-tested the way its author would: against
/// <see cref="FakeModel"/> and its output head, checked against a direct double-precision log-softmax of the full
/// logits.</summary>
public sealed class SampleMetricTests
{
    [Theory]
    [InlineData(3, 0)]
    [InlineData(8, 2)]
    [InlineData(40, 10)]
    [InlineData(64, 16)]
    [InlineData(200, 16)]
    public void WarmUp_WindowLength_IsMinOf16AndQuarterLength(int length, int skipped)
    {
        Assert.Equal(skipped, WarmPerplexityMetric.WarmUp(length));
    }

    [Fact]
    public void Score_FakeModelWindows_EqualsDirectComputationFromFullLogits()
    {
        using var model = new FakeModel(vocab: 48, positions: 64);
        List<ReadOnlyMemory<int>> windows = FakeModel.Windows(count: 6, length: 64, vocab: 48);
        var direct = new DirectLossSink();
        model.Forward(windows, direct);

        IReadOnlyList<WindowLoss> losses = new WarmPerplexityMetric().Score(model, new MetricRequest(windows));

        Assert.Equal(windows.Count, losses.Count);
        for (int w = 0; w < windows.Count; w++)
        {
            Assert.Equal(64 - 1 - 16, losses[w].TokenCount);
            Assert.True(losses[w].LossSum > 0);
            Assert.Equal(direct.Losses[w], losses[w].LossSum, 1e-9 * direct.Losses[w]);
        }
    }

    [Fact]
    public void Loss_SkippedRowsHoldNaN_AreNeverReadAndTheRestMatchDirectComputation()
    {
        const int hidden = 8, vocab = 37, length = 40; // vocab not a multiple of the head's 16-column block
        var random = new Random(3);
        float[] weights = Fill(random, vocab * hidden);
        float[] states = Fill(random, length * hidden);
        int[] tokens = new int[length];
        for (int t = 0; t < length; t++)
        {
            tokens[t] = random.Next(vocab);
        }
        int skipped = WarmPerplexityMetric.WarmUp(length);
        states.AsSpan(0, skipped * hidden).Fill(float.NaN);
        using var head = new FakeOutputHead(weights, hidden, vocab);

        WindowLoss loss = WarmPerplexityMetric.Loss(new WindowOutput(0, tokens, states, head));

        Assert.Equal(length - 1 - skipped, loss.TokenCount);
        double expected = DirectLoss(tokens, states, head, skipped);
        Assert.True(double.IsFinite(loss.LossSum));
        Assert.Equal(expected, loss.LossSum, 1e-9 * expected);
    }

    [Fact]
    public void Score_WindowsShorterThanFour_SkipNothingAndMatchFirstPartyCausalPerplexity()
    {
        using var model = new FakeModel();
        List<ReadOnlyMemory<int>> windows = FakeModel.Windows(count: 5, length: 3);

        IReadOnlyList<WindowLoss> warm = new WarmPerplexityMetric().Score(model, new MetricRequest(windows));
        IReadOnlyList<WindowLoss> causal = new CausalPerplexityMetric().Score(model, new MetricRequest(windows));

        for (int w = 0; w < windows.Count; w++)
        {
            Assert.Equal(causal[w].TokenCount, warm[w].TokenCount);
            Assert.Equal(causal[w].LossSum, warm[w].LossSum, 1e-6 * causal[w].LossSum);
        }
    }

    [Fact]
    public void Score_SingleTokenWindow_CountsNoPredictions()
    {
        using var model = new FakeModel();

        WindowLoss loss = Assert.Single(new WarmPerplexityMetric().Score(model, new MetricRequest(FakeModel.Windows(1, 1))));

        Assert.Equal(new WindowLoss(0.0, 0), loss);
    }

    [Fact]
    public void Score_WithObserverAndProgress_EveryWindowObservedInOrderWithItsRunIndex()
    {
        using var model = new FakeModel();
        List<ReadOnlyMemory<int>> windows = FakeModel.Windows(count: 9, length: 12);
        var observer = new IndexSink();
        int progressed = 0;
        var progress = new SynchronousProgress(n => progressed += n);

        new WarmPerplexityMetric().Score(model, new MetricRequest(windows) { Observer = observer, Progress = progress });

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8], observer.Indices);
        Assert.Equal(9, progressed);
        Assert.Equal(3, model.ForwardCalls); // four windows per forward call
    }

    [Fact]
    public void Descriptor_AndObjective_NameTheCausalWarmMetric()
    {
        var metric = new WarmPerplexityMetric();

        Assert.Equal("ppl_causal_warm", metric.Descriptor.Name);
        Assert.Equal("causal", metric.Objective);
        Assert.Null(((IPrimaryMetric)metric).CreateComparison());
        Assert.Equal(Math.E, metric.FromMeanLoss(1.0), 15);
    }

    private static float[] Fill(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 4 - 2);
        }
        return values;
    }

    /// <summary>Σ over predictions r ≥ skipped of log Σ_v exp(z_rv) − z_r[token_{r+1}], from the head's full logits row by
    /// row, in double.</summary>
    private static double DirectLoss(ReadOnlySpan<int> tokens, ReadOnlySpan<float> states, IOutputHead head, int skipped)
    {
        var logits = new float[head.Vocab];
        double loss = 0;
        for (int r = skipped; r < tokens.Length - 1; r++)
        {
            head.Logits(states.Slice(r * head.Hidden, head.Hidden), 1, 0, head.Vocab, logits);
            double max = double.NegativeInfinity;
            foreach (float z in logits)
            {
                max = Math.Max(max, z);
            }
            double sum = 0;
            foreach (float z in logits)
            {
                sum += Math.Exp(z - max);
            }
            loss += max + Math.Log(sum) - logits[tokens[r + 1]];
        }
        return loss;
    }

    private sealed class DirectLossSink : IWindowSink
    {
        public List<double> Losses { get; } = [];

        public void OnWindow(in WindowOutput output) =>
            Losses.Add(DirectLoss(output.Tokens, output.Hidden, output.Head, WarmPerplexityMetric.WarmUp(output.Tokens.Length)));
    }

    private sealed class IndexSink : IWindowSink
    {
        public List<int> Indices { get; } = [];

        public void OnWindow(in WindowOutput output) => Indices.Add(output.WindowIndex);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
