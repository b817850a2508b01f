using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics;

/// <summary>Next-token losses of a causal model through <c>ppl_causal</c>, for tools, benchmarks and tests that score
/// a model outside a run.</summary>
public static class CausalScoring
{
    private static readonly CausalPerplexityMetric Metric = new();

    /// <summary>The <c>ppl_causal</c> loss of each window (<paramref name="taps"/> riding on the pass).</summary>
    public static IReadOnlyList<WindowLoss> CausalLosses(this IModel model, IReadOnlyList<ReadOnlyMemory<int>> windows,
        IActivationTap? taps = null, CancellationToken cancellationToken = default) =>
        Metric.Score(model, new MetricRequest(windows) { Taps = taps, CancellationToken = cancellationToken });
}
