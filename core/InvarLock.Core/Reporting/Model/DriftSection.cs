namespace InvarLock.Core.Reporting.Model;

/// <summary>Final/preview perplexity of each model.</summary>
public sealed record DriftSection(double? Subject, double? Baseline, double BandMin, double BandMax);
