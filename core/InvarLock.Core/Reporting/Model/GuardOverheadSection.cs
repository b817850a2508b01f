namespace InvarLock.Core.Reporting.Model;

/// <summary>Guard overhead: the subject's final arm without guard actions (bare) and with them (guarded).</summary>
public sealed record GuardOverheadSection(string Method, IReadOnlyList<double?> BareLossSums, IReadOnlyList<int> BareTokenCounts,
    IReadOnlyList<double?> GuardedLossSums, IReadOnlyList<int> GuardedTokenCounts, double? BarePerplexity, double? GuardedPerplexity,
    double? Ratio, double? Percent, double Threshold);
