namespace InvarLock.Core.Reporting.Model;

/// <summary>Every time-dependent field of the report; two runs of the same inputs differ only here.</summary>
public sealed record TimingSection(string StartedUtc, string FinishedUtc, double LoadSeconds, double TokenizeSeconds, double BaselineEvalSeconds,
    double SubjectEvalSeconds, double GuardSeconds, double TotalSeconds, IReadOnlyList<GuardTimingSection> Guards, double? OverheadBareSeconds,
    double? OverheadGuardedSeconds);
