using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Common;

/// <summary>How a guard runs forward passes: losses through the run's primary metric (so an A/B test measures the
/// report's own objective), activations through a tap on a trunk-only pass.</summary>
internal static class MetricPasses
{
    /// <summary>The primary metric's per-window losses of <paramref name="windows"/>, with <paramref name="taps"/> riding on the pass.</summary>
    /// <exception cref="InvalidOperationException">The host gave the guard no metric.</exception>
    public static IReadOnlyList<WindowLoss> Losses(GuardContext context, IReadOnlyList<ReadOnlyMemory<int>> windows, IActivationTap? taps = null)
    {
        IPrimaryMetric metric = context.Metric
            ?? throw new InvalidOperationException("this guard scores windows but the context carries no primary metric");
        return metric.Score(context.Model, new MetricRequest(windows)
        {
            Seed = context.Run.Seed,
            Taps = taps,
            CancellationToken = context.CancellationToken,
        });
    }

    /// <summary>A pass that only feeds <paramref name="taps"/> (no head, no loss).</summary>
    public static void Observe(GuardContext context, IReadOnlyList<ReadOnlyMemory<int>> windows, IActivationTap taps) =>
        context.Model.Forward(windows, null, taps, context.CancellationToken);
}
