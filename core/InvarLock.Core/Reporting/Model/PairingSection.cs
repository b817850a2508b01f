namespace InvarLock.Core.Reporting.Model;

/// <summary>How one arm paired by window id.</summary>
public sealed record PairingSection(int Expected, int Matched, double MatchFraction, IReadOnlyList<int> Missing, IReadOnlyList<int> Unexpected,
    IReadOnlyList<int> DuplicateIds, IReadOnlyList<int> TokenCountMismatches, string? Reason);
