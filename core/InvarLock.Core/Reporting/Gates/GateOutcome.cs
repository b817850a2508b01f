namespace InvarLock.Core.Reporting.Gates;

/// <summary>The gates, the validation flags derived from them, the verdict and the confidence label.</summary>
public sealed record GateOutcome(IReadOnlyList<GateResult> Gates, IReadOnlyDictionary<string, bool> Validation, Verdict Verdict,
    ConfidenceLabel Confidence);
