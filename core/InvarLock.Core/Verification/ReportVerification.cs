namespace InvarLock.Core.Verification;

/// <summary>The verification of one report.</summary>
/// <param name="Path">The report path as given.</param>
/// <param name="Status"><c>pass</c>, <c>gate_failed</c> or <c>malformed</c>.</param>
/// <param name="SchemaVersion">The report's schema version, when readable.</param>
/// <param name="Ratio">The (recomputed) subject/baseline ratio, when available.</param>
/// <param name="RatioCi">The (recomputed) ratio CI, when available.</param>
/// <param name="FailedGates">Gating gates that failed.</param>
/// <param name="Checks">Every check run, in order.</param>
public sealed record ReportVerification(string Path, string Status, string? SchemaVersion, double? Ratio, IReadOnlyList<double>? RatioCi,
    IReadOnlyList<string> FailedGates, IReadOnlyList<VerifyCheck> Checks)
{
    /// <summary>The process exit code this report alone implies: 0 pass, 1 gate failed, 2 malformed.</summary>
    public int ExitCode => ExitCodes.ForVerification(Status);

    /// <summary>The report as read for verification (null when it could not be read or typed), so a caller that
    /// verifies a report before using it reads the file once.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Reporting.Model.EvaluationReport? Report { get; init; }
}
