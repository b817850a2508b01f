namespace InvarLock.Core.Reporting.Model;

/// <summary>How the paired interval was computed.</summary>
public sealed record BootstrapSection(string Method, int Replicates, double Alpha, long Seed, string? Path, bool Weighted, string Generator);
