namespace InvarLock.Core.Reporting.Model;

/// <summary>Wall time of one guard.</summary>
public sealed record GuardTimingSection(string Name, int Position, double PrepareSeconds, double ValidateSeconds);
