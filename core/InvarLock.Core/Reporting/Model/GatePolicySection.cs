namespace InvarLock.Core.Reporting.Model;

/// <summary>The gate numbers derived from the resolved policy (<see cref="Gates.MetricGatePolicy"/>).</summary>
public sealed record GatePolicySection(bool Strict, double RatioLimitBase, double HysteresisRatio, double? AcceptanceMin, double? AcceptanceMax,
    double? TargetRatio, double RatioLimit, double RatioLimitWithHysteresis, long MinTokens, double MinTokenFraction, double MinTokensTolerance,
    double DriftMin, double DriftMax, int CoveragePreviewFloor, int CoverageFinalFloor, int CoverageReplicatesFloor, int BootstrapReplicates,
    double Alpha, double GuardOverheadThreshold, double ConfidenceWidthMax, double? KlMaxMean, double? Top1MinAgreement);
