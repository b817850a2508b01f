using InvarLock.Sdk;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace Contoso.InvarLock.WarmPerplexity;

/// <summary><c>ppl_causal_warm</c>: next-token perplexity over the predictions that have some context. A window of
/// <c>len</c> tokens makes <c>len − 1</c> predictions (hidden row t predicts token t + 1); the first
/// <see cref="WarmUp"/>(<c>len</c>) = min(16, len / 4) of them are skipped and the rest scored as
/// Σ_t [logsumexp(logits_t) − logits_t[token_{t+1}]], in double, from the logits the output head hands back one
/// column block at a time (an online log-sum-exp, so at most rows × block logits are held).</summary>
/// <remarks>Written against the SDK alone: it asks the model for forward passes (<see cref="IModel.Forward"/>) and
/// computes its loss from each <see cref="WindowOutput"/>'s hidden states and <see cref="IOutputHead"/>.</remarks>
public sealed class WarmPerplexityMetric : IPrimaryMetric
{
    /// <summary>The registry name.</summary>
    public const string Name = "ppl_causal_warm";

    /// <summary>The most predictions skipped at the start of a window.</summary>
    public const int MaxSkipped = 16;

    /// <summary>Windows per call to <see cref="IModel.Forward"/>, so progress advances steadily.</summary>
    private const int Chunk = 4;

    /// <summary>The metric's descriptor.</summary>
    public static PluginDescriptor Info { get; } =
        new(Name, new Version(1, 0, 0), "Causal LM perplexity skipping each window's first min(16, len/4) predictions");

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Info;

    /// <inheritdoc />
    public string Objective => "causal";

    /// <summary>How many leading predictions a window of <paramref name="windowLength"/> tokens skips: min(16, len / 4).</summary>
    public static int WarmUp(int windowLength) => Math.Min(MaxSkipped, Math.Max(windowLength, 0) / 4);

    /// <inheritdoc />
    public IReadOnlyList<WindowLoss> Score(IModel model, MetricRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<ReadOnlyMemory<int>> windows = request.Windows;
        var results = new WindowLoss[windows.Count];
        var chunk = new List<ReadOnlyMemory<int>>(Chunk);
        for (int i = 0; i < windows.Count; i += Chunk)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
            for (int j = i; j < Math.Min(i + Chunk, windows.Count); j++)
            {
                chunk.Add(windows[j]);
            }
            model.Forward(chunk, new LossSink(results, i, request.Observer), request.Taps, request.CancellationToken);
            request.Progress?.Report(chunk.Count);
        }
        return results;
    }

    /// <inheritdoc />
    public double FromMeanLoss(double meanLoss) => Math.Exp(meanLoss);

    /// <summary>The warm next-token loss of one window's output: predictions <c>WarmUp(len)</c> … <c>len − 2</c>;
    /// <see cref="WindowLoss.TokenCount"/> is the number of predictions that counted.</summary>
    public static WindowLoss Loss(in WindowOutput output)
    {
        int length = output.Tokens.Length;
        int first = WarmUp(length);
        int rows = length - 1 - first;
        if (rows <= 0)
        {
            return new WindowLoss(0.0, 0);
        }
        IOutputHead head = output.Head;
        int vocab = head.Vocab;
        int block = Math.Max(1, Math.Min(head.ColumnBlock, vocab));
        ReadOnlySpan<float> hidden = output.Hidden.Slice(first * head.Hidden, rows * head.Hidden);
        ReadOnlySpan<int> targets = output.Tokens.Slice(first + 1, rows);
        var rowMax = new double[rows];
        var rowSum = new double[rows];
        var target = new double[rows];
        var logits = new float[rows * block];
        for (int c0 = 0; c0 < vocab; c0 += block)
        {
            int columns = Math.Min(block, vocab - c0);
            head.Logits(hidden, rows, c0, columns, logits);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = logits.AsSpan(r * columns, columns);
                double max = double.NegativeInfinity;
                for (int j = 0; j < row.Length; j++)
                {
                    max = Math.Max(max, row[j]);
                }
                double sum = 0.0;
                for (int j = 0; j < row.Length; j++)
                {
                    sum += Math.Exp(row[j] - max);
                }
                if (c0 == 0)
                {
                    rowMax[r] = max;
                    rowSum[r] = sum;
                }
                else
                {
                    double m = Math.Max(rowMax[r], max);
                    rowSum[r] = rowSum[r] * Math.Exp(rowMax[r] - m) + sum * Math.Exp(max - m);
                    rowMax[r] = m;
                }
                int local = targets[r] - c0;
                if ((uint)local < (uint)columns)
                {
                    target[r] = row[local];
                }
            }
        }
        double loss = 0.0;
        for (int r = 0; r < rows; r++)
        {
            loss += rowMax[r] + Math.Log(rowSum[r]) - target[r];
        }
        return new WindowLoss(loss, rows);
    }

    /// <summary>Scores each window as the model hands it back and passes it on to the request's observer.</summary>
    private sealed class LossSink(WindowLoss[] results, int offset, IWindowSink? observer) : IWindowSink
    {
        public void OnWindow(in WindowOutput output)
        {
            results[offset + output.WindowIndex] = Loss(output);
            observer?.OnWindow(new WindowOutput(offset + output.WindowIndex, output.Tokens, output.Hidden, output.Head));
        }
    }
}
