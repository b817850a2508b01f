namespace InvarLock.Core.Reporting.Model;

/// <summary>Summary of the paired per-window Δ log-loss (final arm).</summary>
public sealed record DeltaSection(int Count, double? WeightedMean, double? Mean, double? StandardDeviation, double? Min, double? Max);
