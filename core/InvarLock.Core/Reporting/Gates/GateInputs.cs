using InvarLock.Core.Statistics;

namespace InvarLock.Core.Reporting.Gates;

/// <summary>Everything the gates read; all of it is stored in (or recomputed from) the report.</summary>
public sealed record GateInputs
{
    public required PrimaryMetricAnalysis Analysis { get; init; }
    public required MetricGatePolicy Policy { get; init; }
    public required IReadOnlyList<GuardGateInput> Guards { get; init; }
    /// <summary>Bare (no guard actions) and guarded subject perplexity on the final arm, when measured.</summary>
    public (double Bare, double Guarded)? Overhead { get; init; }
    public required int SequenceLength { get; init; }
    public required int Stride { get; init; }
    /// <summary>Tokens in the dataset's stream (the capacity the token-fraction floor refers to).</summary>
    public required long StreamTokens { get; init; }
    /// <summary>Σ window lengths over both arms (tokens fed to the model).</summary>
    public required long WindowTokens { get; init; }
    /// <summary>The final arm's KL divergence / top-1 agreement, when computed.</summary>
    public Statistics.TokenComparisonAnalysis? TokenComparison { get; init; }
    /// <summary>A guard aborted the run.</summary>
    public required bool Aborted { get; init; }
    /// <summary>The gate id of a guard name, as the guard declares it (a registry's
    /// <see cref="Plugins.GuardPolicyCatalog.GateId"/>); defaults to <c>&lt;name&gt;_pass</c>.</summary>
    public Func<string, string> GateIdOf { get; init; } = Plugins.GuardPolicyCatalog.FallbackGateId;
}
