namespace InvarLock.Core.Reporting.Model;

/// <summary>Tail evidence of the paired Δ and the tail gate's resolved policy.</summary>
public sealed record TailSection(string Mode, int MinWindows, double Quantile, double? QuantileMax, double Epsilon, double? MassMax, int Count,
    double? Max, double? Q50, double? Q90, double? Q95, double? Q99, double? PolicyQuantileValue, double TailMass, double? TailMassWeighted,
    bool Evaluated, bool Passed, bool Warned, IReadOnlyList<string> Violations, string Source);
