namespace InvarLock.Core.Reporting.Model;

/// <summary>Run-level facts: profile, tier, seed, what happened.</summary>
public sealed record RunSection(string Profile, string Tier, int Seed, string PrimaryMetricKind, bool RolledBack, bool Aborted,
    string? BaselineReport, IReadOnlyList<string> Warnings);
