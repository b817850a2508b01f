using InvarLock.Sdk;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Metrics;

/// <summary><c>ppl_causal</c>: next-token perplexity. Each window's loss is the sum of its <c>len − 1</c> next-token
/// negative log-likelihoods; perplexity of a set of windows is exp(Σ loss / Σ tokens).</summary>
internal sealed class CausalPerplexityMetric : IPrimaryMetric
{
    /// <summary>Windows evaluated per call to <see cref="IModel.Evaluate"/>, so progress advances steadily.</summary>
    private const int Chunk = 4;

    public PluginDescriptor Descriptor { get; } = new("ppl_causal", new Version(1, 0), "Causal LM perplexity over paired windows");

    public IReadOnlyList<WindowLoss> Score(IModel model, IReadOnlyList<ReadOnlyMemory<int>> windows, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        var results = new List<WindowLoss>(windows.Count);
        var chunk = new List<ReadOnlyMemory<int>>(Chunk);
        for (int i = 0; i < windows.Count; i += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
            for (int j = i; j < Math.Min(i + Chunk, windows.Count); j++)
            {
                chunk.Add(windows[j]);
            }
            results.AddRange(model.Evaluate(chunk, null, cancellationToken));
            progress?.Report(chunk.Count);
        }
        return results;
    }

    public double FromMeanLoss(double meanLoss) => DeterministicMath.Exp(meanLoss);
}
