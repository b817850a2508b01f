using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics.Tests;

public sealed class CausalTokenComparisonTests
{
    private static readonly CausalPerplexityMetric Metric = new();

    /// <summary>Runs the comparison the way the runner does: recorder on the baseline's metric pass, then the subject's.</summary>
    private static IReadOnlyList<TokenComparisonWindow> Compare(IModel baseline, IModel subject, IReadOnlyList<ReadOnlyMemory<int>> windows,
        IReadOnlyList<int>? order = null)
    {
        using ITokenComparison comparison = Metric.CreateComparison();
        Metric.Score(baseline, new MetricRequest(windows) { Observer = comparison.Baseline });
        order ??= [.. Enumerable.Range(0, windows.Count)];
        var subjectWindows = order.Select(i => windows[i]).ToList();
        Metric.Score(subject, new MetricRequest(subjectWindows) { Observer = comparison.Subject(order) });
        return [.. comparison.Results];
    }

    /// <summary>Every prediction's full logits ([rows, vocab], rows = len − 1), in the head's own column blocks.</summary>
    private static List<float[]> FullLogits(IModel model, IReadOnlyList<ReadOnlyMemory<int>> windows)
    {
        var sink = new LogitsSink();
        model.Forward(windows, sink);
        return sink.Logits;
    }

    private sealed class LogitsSink : IWindowSink
    {
        public List<float[]> Logits { get; } = [];

        public void OnWindow(in WindowOutput output)
        {
            IOutputHead head = output.Head;
            int rows = output.Tokens.Length - 1, vocab = head.Vocab;
            var all = new float[rows * vocab];
            for (int j0 = 0; j0 < vocab; j0 += head.ColumnBlock)
            {
                int nc = Math.Min(head.ColumnBlock, vocab - j0);
                var block = new float[rows * nc];
                head.Logits(output.Hidden[..(rows * head.Hidden)], rows, j0, nc, block);
                for (int r = 0; r < rows; r++)
                {
                    block.AsSpan(r * nc, nc).CopyTo(all.AsSpan(r * vocab + j0, nc));
                }
            }
            Logits.Add(all);
        }
    }

    /// <summary>KL(p ‖ q) of one row from float logits, directly in double.</summary>
    private static double DirectKl(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ma = double.NegativeInfinity, mb = double.NegativeInfinity;
        for (int j = 0; j < a.Length; j++)
        {
            ma = Math.Max(ma, a[j]);
            mb = Math.Max(mb, b[j]);
        }
        double za = 0, zb = 0;
        for (int j = 0; j < a.Length; j++)
        {
            za += Math.Exp(a[j] - ma);
            zb += Math.Exp(b[j] - mb);
        }
        double lza = ma + Math.Log(za), lzb = mb + Math.Log(zb), kl = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double lp = a[j] - lza, lq = b[j] - lzb;
            kl += Math.Exp(lp) * (lp - lq);
        }
        return kl;
    }

    private static int Argmax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Results_NoisySubject_EqualDirectDoubleComputationFromFullLogits(string family)
    {
        using IModel baseline = TinyModels.Load(family);
        using IModel subject = TinyModels.Load(family);
        TinyModels.AddNoise(subject, 0.05);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 3, 24);

        IReadOnlyList<TokenComparisonWindow> results = Compare(baseline, subject, windows);

        List<float[]> a = FullLogits(baseline, windows), b = FullLogits(subject, windows);
        int vocab = baseline.Description.VocabSize;
        double total = 0, expectedTotal = 0;
        for (int w = 0; w < windows.Count; w++)
        {
            int rows = windows[w].Length - 1;
            Assert.Equal(rows, results[w].Tokens);
            int agree = 0;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> ra = a[w].AsSpan(r * vocab, vocab), rb = b[w].AsSpan(r * vocab, vocab);
                double expected = DirectKl(ra, rb);
                Assert.True(Math.Abs(results[w].PerTokenKl[r] - expected) <= 1e-6 * expected + 1e-12,
                    $"window {w} row {r}: {results[w].PerTokenKl[r]} vs {expected}");
                agree += Argmax(ra) == Argmax(rb) ? 1 : 0;
                expectedTotal += expected;
            }
            Assert.Equal(agree, results[w].Top1Agreements);
            total += results[w].KlSum;
        }
        Assert.True(expectedTotal > 1e-4, "the noise should move the distributions");
        Assert.Equal(expectedTotal, total, expectedTotal * 1e-6);
    }

    [Fact]
    public void Results_IdenticalCopy_ZeroKlAndFullAgreement()
    {
        using IModel baseline = TinyModels.Load("llama");
        using IModel subject = TinyModels.Load("llama");
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 4, 20);

        IReadOnlyList<TokenComparisonWindow> results = Compare(baseline, subject, windows);

        foreach (TokenComparisonWindow w in results)
        {
            Assert.All(w.PerTokenKl, kl => Assert.Equal(0.0, kl));
            Assert.Equal(0.0, w.KlSum);
            Assert.Equal(w.Tokens, w.Top1Agreements);
        }
    }

    [Fact]
    public void Results_GrowingNoise_MeanKlGrowsMonotonically()
    {
        using IModel baseline = TinyModels.Load("gpt2");
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 3, 24);
        double previous = 0.0;
        foreach (double sigma in new[] { 0.002, 0.01, 0.03, 0.1 })
        {
            using IModel subject = TinyModels.Load("gpt2");
            TinyModels.AddNoise(subject, sigma);
            IReadOnlyList<TokenComparisonWindow> results = Compare(baseline, subject, windows);
            double mean = results.Sum(r => r.KlSum) / results.Sum(r => r.Tokens);
            Assert.True(mean > previous, $"sigma {sigma}: mean KL {mean} is not above {previous}");
            previous = mean;
        }
    }

    [Fact]
    public void Results_SubjectInOtherOrderAndThreads_PairsByRecordedWindowAndMatchesBitForBit()
    {
        using IModel baseline = TinyModels.Load("llama", threads: 1);
        using IModel subject = TinyModels.Load("llama", threads: 2);
        TinyModels.AddNoise(subject, 0.05);
        using IModel subjectOneThread = TinyModels.Load("llama", threads: 1);
        TinyModels.AddNoise(subjectOneThread, 0.05);
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 4, 40);

        IReadOnlyList<TokenComparisonWindow> inOrder = Compare(baseline, subjectOneThread, windows);
        IReadOnlyList<TokenComparisonWindow> reordered = Compare(baseline, subject, windows, [2, 0, 3]);

        Assert.Equal(3, reordered.Count);
        Assert.Equal(inOrder[2].PerTokenKl, reordered[0].PerTokenKl);
        Assert.Equal(inOrder[0].PerTokenKl, reordered[1].PerTokenKl);
        Assert.Equal(inOrder[3].Top1Agreements, reordered[2].Top1Agreements);
    }

    [Fact]
    public void Subject_WindowOfAnotherLength_Throws()
    {
        using IModel baseline = TinyModels.Load("llama");
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(baseline, 2, 16);
        using ITokenComparison comparison = Metric.CreateComparison();
        Metric.Score(baseline, new MetricRequest(windows) { Observer = comparison.Baseline });
        List<ReadOnlyMemory<int>> shorter = [windows[0][..8]];

        Assert.Throws<InvalidOperationException>(() =>
            Metric.Score(baseline, new MetricRequest(shorter) { Observer = comparison.Subject([0]) }));
    }

    [Fact]
    public void Score_WithObserver_SameLossesAsWithout()
    {
        using IModel model = TinyModels.Load("gpt2");
        List<ReadOnlyMemory<int>> windows = TinyModels.Windows(model, 6, 20);
        using ITokenComparison comparison = Metric.CreateComparison();

        IReadOnlyList<WindowLoss> plain = Metric.Score(model, new MetricRequest(windows));
        IReadOnlyList<WindowLoss> observed = Metric.Score(model, new MetricRequest(windows) { Observer = comparison.Baseline });

        Assert.Equal(plain, observed);
    }
}
