namespace InvarLock.Core.Reporting.Model;

/// <summary>The fraction of predictions whose argmax token is the same in both models, with its paired bootstrap interval.</summary>
public sealed record Top1AgreementSection(double? Agreement, IntervalSection? Ci);
