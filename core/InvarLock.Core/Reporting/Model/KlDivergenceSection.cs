namespace InvarLock.Core.Reporting.Model;

/// <summary>KL(baseline ‖ subject) over the full vocabulary, per prediction (nats): token-weighted mean, quantiles and the
/// paired bootstrap interval of the mean.</summary>
public sealed record KlDivergenceSection(double? Mean, double? Median, double? P95, double? P99, double? Max, IntervalSection? Ci);
