namespace InvarLock.Core.Pipeline;

/// <summary>Wall-clock seconds of the run's phases.</summary>
internal sealed record RunTimings(double LoadSeconds, double TokenizeSeconds, double BaselineEvalSeconds, double SubjectEvalSeconds,
    double GuardSeconds, double TotalSeconds);
