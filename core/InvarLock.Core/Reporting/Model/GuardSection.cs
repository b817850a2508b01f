using System.Text.Json.Nodes;

namespace InvarLock.Core.Reporting.Model;

/// <summary>One guard's record (time fields live in <see cref="TimingSection"/>).</summary>
public sealed record GuardSection(string Name, int Position, string Source, bool? PreparedReady, JsonObject? PreparedDetails, bool Passed,
    string Action, IReadOnlyList<GuardViolationSection> Violations, IReadOnlyDictionary<string, double?> Metrics, JsonObject? Details,
    string? Error);
