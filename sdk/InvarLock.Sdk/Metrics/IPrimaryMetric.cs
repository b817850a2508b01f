using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Metrics;

/// <summary>A primary metric: owns the objective. It runs the model's forward passes (<see cref="IModel.Forward"/>),
/// computes its loss from the hidden states and output head each window hands back, and returns one
/// <see cref="WindowLoss"/> per window.</summary>
public interface IPrimaryMetric
{
    /// <summary>The metric's kind as its name: <c>ppl_causal</c>, <c>ppl_mlm</c> or another plugin's.</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>The model objective this metric scores (<see cref="ModelDescription.Objective"/>: <c>causal</c> or <c>mlm</c>).</summary>
    string Objective { get; }

    /// <summary>Scores <paramref name="model"/> on the request's windows, returning per-window loss sums and the number
    /// of predictions that contributed.</summary>
    IReadOnlyList<WindowLoss> Score(IModel model, MetricRequest request);

    /// <summary>A token-level comparison of two models' distributions for this objective (KL divergence and top-1
    /// agreement for causal LMs), or null when the metric offers none (the default).</summary>
    ITokenComparison? CreateComparison() => null;

    /// <summary>Turns a pooled mean loss into the displayed value (for perplexity, exp(mean)).</summary>
    double FromMeanLoss(double meanLoss);
}
