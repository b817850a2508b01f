namespace InvarLock.Core.Reporting.Model;

/// <summary>A confidence interval.</summary>
public sealed record IntervalSection(double Lower, double Upper);
