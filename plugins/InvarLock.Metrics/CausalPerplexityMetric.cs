using InvarLock.Numerics;
using InvarLock.Sdk;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics;

/// <summary><c>ppl_causal</c>: next-token perplexity. Each window's loss is the sum of its <c>len − 1</c> next-token
/// negative log-likelihoods, Σ_t [logsumexp(logits_t) − logits_t[token_{t+1}]], computed from the hidden states the
/// model hands back, vocabulary block by block with an online log-sum-exp (at most rows × block logits at once);
/// perplexity of a set of windows is exp(Σ loss / Σ tokens). Its token comparison is KL divergence and top-1
/// agreement (<see cref="CausalTokenComparison"/>).</summary>
public sealed class CausalPerplexityMetric : IPrimaryMetric
{
    /// <summary>Windows per call to <see cref="IModel.Forward"/>, so progress advances steadily.</summary>
    private const int Chunk = 4;

    public PluginDescriptor Descriptor { get; } = new("ppl_causal", new Version(2, 0), "Causal LM perplexity over paired windows");

    public string Objective => "causal";

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

    public ITokenComparison CreateComparison() => new CausalTokenComparison();

    public double FromMeanLoss(double meanLoss) => DeterministicMath.Exp(meanLoss);

    /// <summary>The next-token loss of one window's output.</summary>
    internal static WindowLoss Loss(in WindowOutput output)
    {
        int rows = output.Tokens.Length - 1;
        if (rows <= 0)
        {
            return new WindowLoss(0.0, 0);
        }
        return new WindowLoss(HeadLoss.Sum(output.Head, output.Hidden[..(rows * output.Head.Hidden)], output.Tokens[1..]), rows);
    }

    private sealed class LossSink(WindowLoss[] results, int offset, IWindowSink? observer) : IWindowSink
    {
        public void OnWindow(in WindowOutput output)
        {
            results[offset + output.WindowIndex] = Loss(output);
            if (observer is not null)
            {
                observer.OnWindow(new WindowOutput(offset + output.WindowIndex, output.Tokens, output.Hidden, output.Head));
            }
        }
    }
}
