namespace InvarLock.Core.Reporting.Model;

/// <summary>Per-window losses of both models (and, when the metric compares distributions, the final arm's per-window
/// KL divergence and top-1 agreement), the raw data every statistic is recomputed from.</summary>
public sealed record EvaluationSection(ArmLossesSection Preview, ArmLossesSection Final, TokenComparisonWindowsSection? FinalTokenComparison);
