namespace InvarLock.Core.Reporting.Model;

/// <summary>The primary metric: perplexities, ratio, paired Δ and its bootstrap interval.</summary>
public sealed record PrimaryMetricSection(string Kind, ModelPerplexities Baseline, ModelPerplexities Subject, double? Ratio,
    DeltaSection? Delta, IntervalSection? Ci, IntervalSection? DisplayCi, BootstrapSection Bootstrap, DriftSection Drift,
    PairingSection PreviewPairing, PairingSection FinalPairing, string? DegenerateReason, string? InvalidReason);
