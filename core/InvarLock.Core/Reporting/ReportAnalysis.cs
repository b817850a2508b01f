using System.Text.Json.Nodes;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Statistics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Reporting;

/// <summary>The one path from a report's raw sections (windows, per-window losses, guards, overhead, resolved policy,
/// seed) to its computed sections (primary metric, tail, gates, validation, verdict, confidence). The builder and the
/// verifier both call <see cref="Compute"/>, so a stored number can always be recomputed exactly.</summary>
public static class ReportAnalysis
{
    /// <summary>Name of the bootstrap generator recorded in the report.</summary>
    public const string GeneratorName = "pcg64-seedsequence (numpy default_rng compatible)";

    /// <summary>The computed sections of a report.</summary>
    public sealed record Result(MetricGatePolicy Policy, PrimaryMetricAnalysis Analysis, GateOutcome Gates, PrimaryMetricSection PrimaryMetric,
        TailSection Tail, GatePolicySection GatePolicy, string PolicySha256, string PlanSha256);

    /// <summary>Recomputes every derived section from the raw ones.</summary>
    public static Result Compute(JsonObject resolvedPolicy, int seed, string primaryMetricKind, WindowsSection windows, EvaluationSection evaluation,
        IReadOnlyList<GuardSection> guards, GuardOverheadSection? overhead, bool aborted, long streamTokens)
    {
        ArgumentNullException.ThrowIfNull(resolvedPolicy);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(guards);
        MetricGatePolicy policy = MetricGatePolicy.FromPolicyDocument(resolvedPolicy);
        BootstrapSettings bootstrap = policy.BootstrapFor(seed);
        PrimaryMetricAnalysis analysis = PrimaryMetricAnalysis.Compute(
            Arm(windows.Preview.WindowIds, Losses(evaluation.Preview.BaselineLossSums, evaluation.Preview.BaselineTokenCounts)),
            Arm(windows.Final.WindowIds, Losses(evaluation.Final.BaselineLossSums, evaluation.Final.BaselineTokenCounts)),
            Arm(windows.Preview.WindowIds, Losses(evaluation.Preview.SubjectLossSums, evaluation.Preview.SubjectTokenCounts)),
            Arm(windows.Final.WindowIds, Losses(evaluation.Final.SubjectLossSums, evaluation.Final.SubjectTokenCounts)),
            bootstrap, policy.Tail);

        (double, double)? overheadPair = null;
        if (overhead is not null)
        {
            overheadPair = (PerplexitySummary.From(Losses(overhead.BareLossSums, overhead.BareTokenCounts)).Perplexity,
                PerplexitySummary.From(Losses(overhead.GuardedLossSums, overhead.GuardedTokenCounts)).Perplexity);
        }

        long windowTokens = 0;
        foreach (int c in windows.Preview.TokenCounts)
        {
            windowTokens += c;
        }

        foreach (int c in windows.Final.TokenCounts)
        {
            windowTokens += c;
        }

        var gateInputs = new GateInputs
        {
            Analysis = analysis,
            Policy = policy,
            Guards = guards.Select(g => new GuardGateInput(g.Name, g.Passed, g.Action, g.Error, g.Violations.Count)).ToList(),
            Overhead = overheadPair,
            SequenceLength = windows.SequenceLength,
            Stride = windows.Stride,
            StreamTokens = streamTokens,
            WindowTokens = windowTokens,
            Aborted = aborted,
        };
        GateOutcome outcome = GateEvaluator.Evaluate(gateInputs);
        return new Result(policy, analysis, outcome, PrimaryMetric(primaryMetricKind, analysis, policy), Tail(analysis.Tail, policy.Tail),
            GatePolicy(policy), CanonicalJson.Sha256Hex(resolvedPolicy), PlanSha256(windows));
    }

    /// <summary>SHA-256 (RFC 8785) of <c>{sequence_length, stride, preview: {window_ids, token_sha256}, final: {…}}</c>: two
    /// reports evaluated the same windows exactly when their plan digests are equal.</summary>
    public static string PlanSha256(WindowsSection windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        static JsonObject Arm(WindowArmSection arm) => new()
        {
            ["window_ids"] = new JsonArray(arm.WindowIds.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
            ["token_sha256"] = new JsonArray(arm.TokenSha256.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
        };
        return CanonicalJson.Sha256Hex(new JsonObject
        {
            ["sequence_length"] = windows.SequenceLength,
            ["stride"] = windows.Stride,
            ["preview"] = Arm(windows.Preview),
            ["final"] = Arm(windows.Final),
        });
    }

    /// <summary>Per-window losses from stored lists (null = non-finite loss, read back as NaN).</summary>
    public static IReadOnlyList<WindowLoss> Losses(IReadOnlyList<double?> sums, IReadOnlyList<int> counts)
    {
        if (sums.Count != counts.Count)
        {
            throw new ArgumentException($"{sums.Count} loss sums but {counts.Count} token counts.");
        }

        var list = new WindowLoss[sums.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new WindowLoss(sums[i] ?? double.NaN, counts[i]);
        }

        return list;
    }

    /// <summary>Pairs losses with the first ids of the arm (an aborted run scores fewer windows than planned).</summary>
    private static ModelArm Arm(IReadOnlyList<int> ids, IReadOnlyList<WindowLoss> losses)
    {
        if (losses.Count > ids.Count)
        {
            throw new ArgumentException($"{losses.Count} window losses but only {ids.Count} planned windows.");
        }

        return new ModelArm(ids.Take(losses.Count).ToList(), losses);
    }

    private static double? N(double v) => double.IsFinite(v) ? v : null;

    private static PerplexitySection Ppl(PerplexitySummary s) => new(s.Windows, N(s.LossSum), s.TokenCount, N(s.MeanLoss), N(s.Perplexity));

    private static PairingSection Pairing(WindowPairing p, string arm) =>
        new(p.Expected, p.Matched, p.MatchFraction, p.Missing, p.Unexpected, p.DuplicateIds, p.TokenCountMismatches, p.Reason(arm));

    private static PrimaryMetricSection PrimaryMetric(string kind, PrimaryMetricAnalysis a, MetricGatePolicy policy)
    {
        BootstrapInterval? interval = a.Interval;
        var ratioCi = a.RatioInterval;
        return new PrimaryMetricSection(
            kind,
            new ModelPerplexities(Ppl(a.BaselinePreview), Ppl(a.BaselineFinal)),
            new ModelPerplexities(Ppl(a.SubjectPreview), Ppl(a.SubjectFinal)),
            N(a.Ratio),
            a.Delta is { } d ? new DeltaSection(d.Count, N(d.WeightedMean), N(d.Mean), N(d.StandardDeviation), N(d.Min), N(d.Max)) : null,
            interval is null ? null : new IntervalSection(interval.Lower, interval.Upper),
            ratioCi is { } r && double.IsFinite(r.Lower) && double.IsFinite(r.Upper) ? new IntervalSection(r.Lower, r.Upper) : null,
            new BootstrapSection(a.Bootstrap.Method == BootstrapMethod.Bca ? "bca" : "percentile", a.Bootstrap.Replicates, a.Bootstrap.Alpha,
                a.Bootstrap.Seed, interval?.Path, interval?.Weighted ?? false, GeneratorName),
            new DriftSection(N(a.SubjectDrift), N(a.BaselineDrift), policy.DriftMin, policy.DriftMax),
            Pairing(a.PreviewPairing, "preview"),
            Pairing(a.FinalPairing, "final"),
            a.DegenerateReason,
            a.InvalidReason);
    }

    private static TailSection Tail(TailStatistics t, TailPolicy p) => new(p.Mode, p.MinWindows, p.Quantile, p.QuantileMax, p.Epsilon, p.MassMax,
        t.Count, t.Max, t.Q50, t.Q90, t.Q95, t.Q99, t.PolicyQuantileValue, t.TailMass, t.TailMassWeighted, t.Evaluated, t.Passed, t.Warned,
        t.Violations, "paired_baseline.final");

    private static GatePolicySection GatePolicy(MetricGatePolicy p) => new(p.Strict, p.RatioLimitBase, p.HysteresisRatio, p.AcceptanceMin,
        p.AcceptanceMax, p.TargetRatio, p.RatioLimit, p.RatioLimitWithHysteresis, p.MinTokens, p.MinTokenFraction, p.MinTokensTolerance,
        p.DriftMin, p.DriftMax, p.CoveragePreviewFloor, p.CoverageFinalFloor, p.CoverageReplicatesFloor, p.BootstrapReplicates, p.Alpha,
        p.GuardOverheadThreshold, p.ConfidenceWidthMax);
}
