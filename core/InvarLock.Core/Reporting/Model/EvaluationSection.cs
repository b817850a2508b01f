namespace InvarLock.Core.Reporting.Model;

/// <summary>Per-window losses of both models, the raw data every statistic is recomputed from.</summary>
public sealed record EvaluationSection(ArmLossesSection Preview, ArmLossesSection Final);
