using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Guards;

/// <summary>The result of <see cref="IGuard.Validate"/>.</summary>
/// <param name="Passed">True when the subject passes this guard.</param>
/// <param name="Action">What the runner should do.</param>
/// <param name="Violations">Findings, sorted by the guard in a stable order.</param>
/// <param name="Metrics">Named numbers for the report (sorted by name when written).</param>
/// <param name="Details">Guard-specific report block.</param>
public sealed record GuardOutcome(
    bool Passed,
    GuardAction Action,
    IReadOnlyList<GuardViolation> Violations,
    IReadOnlyDictionary<string, double> Metrics,
    JsonObject? Details = null)
{
    /// <summary>A passing outcome with no findings.</summary>
    public static GuardOutcome Pass(IReadOnlyDictionary<string, double>? metrics = null, JsonObject? details = null) =>
        new(true, GuardAction.None, [], metrics ?? new Dictionary<string, double>(), details);
}
