using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Metrics;

/// <summary>What a metric scores and what else rides on its forward passes.</summary>
public sealed class MetricRequest
{
    /// <summary>Creates a request over <paramref name="windows"/>.</summary>
    public MetricRequest(IReadOnlyList<ReadOnlyMemory<int>> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        Windows = windows;
    }

    /// <summary>Token id windows, each scored independently.</summary>
    public IReadOnlyList<ReadOnlyMemory<int>> Windows { get; }

    /// <summary>The run's seed, for metrics that draw (masked-token selection); the same seed gives the same draws.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Also receives every window's output during the metric's passes (for example a recorder of the
    /// baseline's distributions), after the metric has used it; null for none.</summary>
    public IWindowSink? Observer { get; init; }

    /// <summary>Observes module outputs during the metric's passes (guards that ride on them); null for none.</summary>
    public IActivationTap? Taps { get; init; }

    /// <summary>Advanced by the number of windows scored, as they finish.</summary>
    public IProgress<int>? Progress { get; init; }

    /// <summary>Cancels between windows.</summary>
    public CancellationToken CancellationToken { get; init; }
}
