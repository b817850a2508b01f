using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Testing;

namespace InvarLock.Metrics.Tests;

public sealed class MaskedPerplexityMetricTests
{
    private static readonly MaskedPerplexityMetric Metric = new();

    [Theory]
    [InlineData("bert")]
    [InlineData("roberta")]
    public void Score_MaskedLm_EqualsDoubleNllOfTheMaskedRows(string family)
    {
        using IModel model = TinyModels.LoadMaskedLm(family);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(model, 6, 40);
        var recorder = new RecordingSink();

        IReadOnlyList<WindowLoss> losses = Metric.Score(model, new MetricRequest(windows) { Seed = 3, Observer = recorder });

        TokenizerInfo info = model.Tokenizer.Info;
        int mask = info.MaskTokenId!.Value;
        for (int w = 0; w < windows.Count; w++)
        {
            int[] original = windows[w].ToArray();
            MaskedLmMasks masks = MaskedLmMasks.Draw(original, 3, mask, info.VocabSize,
                id => id == mask || id == info.BosTokenId || id == info.EosTokenId);
            Assert.Equal(masks.Input, recorder.Inputs[w]);
            Assert.Contains(mask, recorder.Inputs[w]);
            Assert.Equal(masks.Positions.Length, losses[w].TokenCount);
            Assert.True(losses[w].TokenCount >= 1);
            double expected = 0;
            foreach (int t in masks.Positions)
            {
                expected += recorder.Nll(w, t, original[t]);
            }
            Assert.Equal(expected, losses[w].LossSum, 1e-5);
        }
    }

    [Fact]
    public void Score_BaselineAndEditedSubject_SameMasksDifferentLosses()
    {
        using IModel baseline = TinyModels.LoadMaskedLm();
        using IModel subject = TinyModels.LoadMaskedLm();
        TinyModels.AddNoise(subject, 0.05);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 5, 48);
        var a = new RecordingSink();
        var b = new RecordingSink();

        IReadOnlyList<WindowLoss> first = Metric.Score(baseline, new MetricRequest(windows) { Observer = a });
        IReadOnlyList<WindowLoss> second = Metric.Score(subject, new MetricRequest(windows) { Observer = b });

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(first.Select(l => l.TokenCount), second.Select(l => l.TokenCount));
        Assert.NotEqual(first.Select(l => l.LossSum), second.Select(l => l.LossSum));
    }

    [Fact]
    public void Score_SameSeedAnyThreadCount_BitIdentical()
    {
        using IModel one = TinyModels.LoadMaskedLm(threads: 1);
        using IModel two = TinyModels.LoadMaskedLm(threads: 2);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(one, 5, 64);

        IReadOnlyList<WindowLoss> a = Metric.Score(one, new MetricRequest(windows) { Seed = 8 });

        Assert.Equal(a, Metric.Score(two, new MetricRequest(windows) { Seed = 8 }));
        Assert.NotEqual(a, Metric.Score(one, new MetricRequest(windows) { Seed = 9 }));
    }

    [Fact]
    public void Score_TokenizerWithoutMaskToken_ThrowsMalformedTokenizer()
    {
        var model = new FakeModel(layers: 1, width: 8, vocab: 40, positions: 32, seed: 3);

        var e = Assert.Throws<InvarLockException>(() => Metric.Score(model, new MetricRequest(FakeModel.Windows(1, 8, vocab: 40))));

        Assert.Equal(ErrorCodes.MalformedTokenizer, e.Code);
        Assert.Contains("mask token", e.Message);
    }

    /// <summary>Keeps each window's input and full logits (double NLL of any row on demand).</summary>
    private sealed class RecordingSink : IWindowSink
    {
        private readonly List<float[]> _logits = [];
        private int _vocab;

        public List<int[]> Inputs { get; } = [];

        public void OnWindow(in WindowOutput output)
        {
            IOutputHead head = output.Head;
            int rows = output.Tokens.Length;
            var logits = new float[rows * head.Vocab];
            head.Logits(output.Hidden[..(rows * head.Hidden)], rows, 0, head.Vocab, logits);
            _vocab = head.Vocab;
            Inputs.Add(output.Tokens.ToArray());
            _logits.Add(logits);
        }

        public double Nll(int window, int row, int target)
        {
            ReadOnlySpan<float> r = _logits[window].AsSpan(row * _vocab, _vocab);
            double max = double.NegativeInfinity;
            foreach (float v in r)
            {
                max = Math.Max(max, v);
            }
            double z = 0;
            foreach (float v in r)
            {
                z += Math.Exp(v - max);
            }
            return max + Math.Log(z) - r[target];
        }
    }
}
