namespace InvarLock.Core.Policy;

/// <summary>What a profile fixes: window counts, bootstrap settings and how strict pairing/coverage checks are.</summary>
/// <param name="Name">dev, ci, ci_cpu or release.</param>
/// <param name="PreviewWindows">Windows in the preview arm.</param>
/// <param name="FinalWindows">Windows in the final arm.</param>
/// <param name="BootstrapReplicates">Bootstrap replicates for the ratio CI.</param>
/// <param name="Alpha">Two-sided CI level is 1 − alpha.</param>
/// <param name="Strict">True for ci and release: pairing/coverage problems fail the run instead of warning.</param>
/// <param name="MeasureGuardOverhead">True for ci and release: a bare run is timed against the guarded one.</param>
/// <param name="RatioLimitOverride">A profile-level ratio limit that replaces the tier's (ci_cpu: 1.15).</param>
internal sealed record ProfileSettings(
    string Name,
    int PreviewWindows,
    int FinalWindows,
    int BootstrapReplicates,
    double Alpha,
    bool Strict,
    bool MeasureGuardOverhead,
    double? RatioLimitOverride)
{
    public static IReadOnlyList<string> Names { get; } = ["dev", "ci", "ci_cpu", "release"];

    /// <summary>The settings of a named profile (case-insensitive, trimmed).</summary>
    public static ProfileSettings For(string name)
    {
        string key = (name ?? "dev").Trim().ToLowerInvariant();
        return key switch
        {
            "dev" => new("dev", 64, 64, 1000, 0.05, Strict: false, MeasureGuardOverhead: false, null),
            "ci" => new("ci", 200, 200, 1200, 0.05, Strict: true, MeasureGuardOverhead: true, null),
            "ci_cpu" => new("ci_cpu", 120, 120, 1000, 0.05, Strict: false, MeasureGuardOverhead: false, 1.15),
            "release" => new("release", 400, 400, 3200, 0.05, Strict: true, MeasureGuardOverhead: true, null),
            _ => throw new Sdk.Errors.InvarLockException(Sdk.Errors.ErrorCodes.Usage,
                $"unknown profile '{name}'; valid profiles: {string.Join(", ", Names)}"),
        };
    }
}
