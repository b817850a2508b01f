using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Metrics;

/// <summary>A primary metric: scores a model on evaluation windows, one <see cref="WindowLoss"/> per window.</summary>
public interface IPrimaryMetric
{
    /// <summary>The metric's kind as its name: <c>ppl_causal</c>, <c>ppl_mlm</c> or <c>accuracy</c>.</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>Scores <paramref name="model"/> on <paramref name="windows"/>, returning per-window loss sums and token counts.</summary>
    IReadOnlyList<WindowLoss> Score(IModel model, IReadOnlyList<ReadOnlyMemory<int>> windows, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>Turns a pooled mean loss into the displayed value (for perplexity, exp(mean)).</summary>
    double FromMeanLoss(double meanLoss);
}
