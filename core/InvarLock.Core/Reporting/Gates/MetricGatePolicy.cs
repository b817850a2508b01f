using System.Text.Json.Nodes;
using InvarLock.Core.Policy;
using InvarLock.Core.Statistics;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Reporting.Gates;

/// <summary>The numbers the gates compare against, read from one resolved policy document (so <c>verify</c> derives the
/// same numbers from the policy stored in a report). Every field names the policy line it came from in
/// docs/reference/report-schema.md.</summary>
public sealed record MetricGatePolicy
{
    public required string Tier { get; init; }
    public required string Profile { get; init; }
    /// <summary>ci and release: pairing, overlap, counts, coverage and token floors gate the verdict.</summary>
    public required bool Strict { get; init; }
    /// <summary><c>metrics.pm_ratio.ratio_limit_base</c>.</summary>
    public required double RatioLimitBase { get; init; }
    /// <summary><c>metrics.pm_ratio.hysteresis_ratio</c> (negative treated as 0).</summary>
    public required double HysteresisRatio { get; init; }
    /// <summary><c>metrics.pm_acceptance_range.min</c>: lower bound for the ratio CI, if set.</summary>
    public double? AcceptanceMin { get; init; }
    /// <summary><c>metrics.pm_acceptance_range.max</c>: replaces the base limit, if set.</summary>
    public double? AcceptanceMax { get; init; }
    /// <summary><c>metrics.target_pm_ratio</c>: caps the limit when positive.</summary>
    public double? TargetRatio { get; init; }
    /// <summary><c>metrics.pm_ratio.min_tokens</c>.</summary>
    public required long MinTokens { get; init; }
    /// <summary><c>metrics.pm_ratio.min_token_fraction</c>.</summary>
    public required double MinTokenFraction { get; init; }
    /// <summary><c>metrics.pm_ratio.min_tokens_tolerance</c> (default 0.02).</summary>
    public required double MinTokensTolerance { get; init; }
    /// <summary><c>metrics.pm_tail.*</c>.</summary>
    public required TailPolicy Tail { get; init; }
    /// <summary><c>metrics.pm_drift_band.min</c> (default 0.95).</summary>
    public required double DriftMin { get; init; }
    /// <summary><c>metrics.pm_drift_band.max</c> (default 1.05).</summary>
    public required double DriftMax { get; init; }
    /// <summary>Tier coverage floor for preview windows (conservative 220, balanced 180, aggressive 140).</summary>
    public required int CoveragePreviewFloor { get; init; }
    /// <summary>Tier coverage floor for final windows.</summary>
    public required int CoverageFinalFloor { get; init; }
    /// <summary>Tier coverage floor for bootstrap replicates (1500 / 1200 / 800).</summary>
    public required int CoverageReplicatesFloor { get; init; }
    /// <summary>Profile bootstrap replicates.</summary>
    public required int BootstrapReplicates { get; init; }
    /// <summary>Profile two-sided alpha.</summary>
    public required double Alpha { get; init; }
    /// <summary><c>metrics.guard_overhead.threshold</c> (default 0.01: guarded ≤ 1.01 × bare).</summary>
    public required double GuardOverheadThreshold { get; init; }
    /// <summary><c>metrics.confidence.ppl_ratio_width_max</c> (default 0.03).</summary>
    public required double ConfidenceWidthMax { get; init; }
    /// <summary><c>metrics.kl.max_mean</c>: the mean KL(baseline ‖ subject) per token must not exceed it (nats); no gate when unset.</summary>
    public double? KlMaxMean { get; init; }
    /// <summary><c>metrics.top1.min_agreement</c>: the top-1 agreement must reach it (a fraction); no gate when unset.</summary>
    public double? Top1MinAgreement { get; init; }

    /// <summary>The effective ratio limit: acceptance max if set, else the base, capped by a positive target.</summary>
    public double RatioLimit
    {
        get
        {
            double limit = AcceptanceMax ?? RatioLimitBase;
            if (TargetRatio is double target && target > 0)
            {
                limit = Math.Min(limit, target);
            }

            return limit;
        }
    }

    /// <summary>The limit the CI upper bound is compared with: limit + max(0, hysteresis).</summary>
    public double RatioLimitWithHysteresis => RatioLimit + Math.Max(0.0, HysteresisRatio);

    /// <summary>The bootstrap settings of the paired Δ interval for a run seeded with <paramref name="runSeed"/>.</summary>
    public BootstrapSettings BootstrapFor(long runSeed) =>
        new(BootstrapMethod.Bca, BootstrapReplicates, Alpha, runSeed + BootstrapSettings.PairedDeltaSeedOffset);

    /// <summary>Reads the gate numbers from a resolved policy document <c>{tier, profile, metrics, …}</c>.</summary>
    /// <exception cref="InvarLockException">A required number is missing or not a number (<see cref="ErrorCodes.InvalidPolicy"/>).</exception>
    public static MetricGatePolicy FromPolicyDocument(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        string tier = (document["tier"] as JsonValue)?.GetValue<string>() ?? "balanced";
        string profileName = (document["profile"] as JsonValue)?.GetValue<string>() ?? "dev";
        ProfileSettings profile = ProfileSettings.For(profileName);
        JsonObject metrics = document["metrics"] as JsonObject
            ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, "policy: the resolved policy has no metrics section");
        (int preview, int final, int replicates) = tier switch
        {
            "conservative" => (220, 220, 1500),
            "aggressive" => (140, 140, 800),
            _ => (180, 180, 1200),
        };
        double driftMin = Optional(metrics, "pm_drift_band.min") ?? 0.95;
        double driftMax = Optional(metrics, "pm_drift_band.max") ?? 1.05;
        if (!(driftMin > 0 && driftMin < driftMax && double.IsFinite(driftMax)))
        {
            (driftMin, driftMax) = (0.95, 1.05);
        }

        double? acceptanceMin = Positive(Optional(metrics, "pm_acceptance_range.min"));
        double? acceptanceMax = Positive(Optional(metrics, "pm_acceptance_range.max"));
        if (acceptanceMin is double lo && acceptanceMax is double hi && hi < lo)
        {
            acceptanceMax = lo;
        }

        return new MetricGatePolicy
        {
            Tier = tier,
            Profile = profile.Name,
            Strict = profile.Strict,
            RatioLimitBase = Required(metrics, "pm_ratio.ratio_limit_base"),
            HysteresisRatio = Math.Max(0.0, Optional(metrics, "pm_ratio.hysteresis_ratio") ?? 0.0),
            AcceptanceMin = acceptanceMin,
            AcceptanceMax = acceptanceMax,
            TargetRatio = Positive(Optional(metrics, "target_pm_ratio")),
            MinTokens = (long)Required(metrics, "pm_ratio.min_tokens"),
            MinTokenFraction = Optional(metrics, "pm_ratio.min_token_fraction") ?? 0.0,
            MinTokensTolerance = Optional(metrics, "pm_ratio.min_tokens_tolerance") ?? 0.02,
            Tail = new TailPolicy(
                (metrics["pm_tail"] as JsonObject)?["mode"] is JsonValue mode && mode.TryGetValue(out string? m) ? m : "warn",
                (int)(Optional(metrics, "pm_tail.min_windows") ?? 1),
                Optional(metrics, "pm_tail.quantile") ?? 0.95,
                Optional(metrics, "pm_tail.quantile_max"),
                Optional(metrics, "pm_tail.epsilon") ?? 1e-4,
                Optional(metrics, "pm_tail.mass_max")).Sanitized(),
            DriftMin = driftMin,
            DriftMax = driftMax,
            CoveragePreviewFloor = preview,
            CoverageFinalFloor = final,
            CoverageReplicatesFloor = replicates,
            BootstrapReplicates = profile.BootstrapReplicates,
            Alpha = profile.Alpha,
            GuardOverheadThreshold = Math.Max(0.0, Optional(metrics, "guard_overhead.threshold") ?? 0.01),
            ConfidenceWidthMax = Optional(metrics, "confidence.ppl_ratio_width_max") ?? 0.03,
            KlMaxMean = NonNegative(Optional(metrics, "kl.max_mean")),
            Top1MinAgreement = NonNegative(Optional(metrics, "top1.min_agreement")),
        };
    }

    private static double? NonNegative(double? value) => value is double v && v >= 0 && double.IsFinite(v) ? v : null;

    private static double? Positive(double? value) => value is double v && v > 0 && double.IsFinite(v) ? v : null;

    private static double Required(JsonObject metrics, string path) =>
        Optional(metrics, path) ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, $"policy: metrics.{path} is missing or not a number");

    private static double? Optional(JsonObject metrics, string path)
    {
        JsonNode? node = metrics;
        foreach (string part in path.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        return node is not null && JsonNumbers.TryGetDouble(node, out double d) ? d : null;
    }
}
