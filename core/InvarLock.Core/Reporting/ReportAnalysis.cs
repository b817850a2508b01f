using System.Text.Json.Nodes;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Statistics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Reporting;

/// <summary>The one path from a run's raw facts (windows, per-window losses, guards, overhead, resolved policy, seed) to
/// its computed sections (primary metric, tail, gates, validation, verdict, confidence). The builder calls
/// <see cref="Compute"/> on <see cref="AnalysisInputs.FromRun"/>, the verifier on <see cref="AnalysisInputs.FromReport"/>,
/// so a stored number can always be recomputed exactly.</summary>
internal static class ReportAnalysis
{
    /// <summary>Name of the bootstrap generator recorded in the report.</summary>
    public const string GeneratorName = "pcg64-seedsequence (numpy default_rng compatible)";

    /// <summary>The computed sections of a report.</summary>
    public sealed record Result(MetricGatePolicy Policy, PrimaryMetricAnalysis Analysis, GateOutcome Gates, PrimaryMetricSection PrimaryMetric,
        TailSection Tail, GatePolicySection GatePolicy, string PolicySha256, OverheadStatistics? Overhead, TokenComparisonSection? TokenComparison);

    /// <summary>The derived guard-overhead numbers (perplexities of the bare and guarded final arm, their ratio).</summary>
    public sealed record OverheadStatistics(double? BarePerplexity, double? GuardedPerplexity, double? Ratio, double? Percent, double Threshold);

    /// <summary>Computes every derived section from <paramref name="inputs"/>.</summary>
    public static Result Compute(AnalysisInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        MetricGatePolicy policy = MetricGatePolicy.FromPolicyDocument(inputs.ResolvedPolicy);
        BootstrapSettings bootstrap = policy.BootstrapFor(inputs.Seed);
        PrimaryMetricAnalysis analysis = PrimaryMetricAnalysis.Compute(
            Arm(inputs.PreviewIds, inputs.BaselinePreview),
            Arm(inputs.FinalIds, inputs.BaselineFinal),
            Arm(inputs.PreviewIds, inputs.SubjectPreview),
            Arm(inputs.FinalIds, inputs.SubjectFinal),
            bootstrap, policy.Tail);
        TokenComparisonAnalysis? comparison = inputs.FinalComparison is { } windows ? TokenComparisonAnalysis.Compute(windows, bootstrap) : null;

        (double, double)? overheadPair = null;
        OverheadStatistics? overhead = null;
        if (inputs.Overhead is { } o)
        {
            double bare = PerplexitySummary.From(o.Bare).Perplexity, guarded = PerplexitySummary.From(o.Guarded).Perplexity;
            overheadPair = (bare, guarded);
            double ratio = bare > 0 && double.IsFinite(bare) && double.IsFinite(guarded) ? guarded / bare : double.NaN;
            overhead = new OverheadStatistics(N(bare), N(guarded), N(ratio), N((ratio - 1.0) * 100.0), policy.GuardOverheadThreshold);
        }

        var gateInputs = new GateInputs
        {
            Analysis = analysis,
            Policy = policy,
            Guards = inputs.Guards,
            Overhead = overheadPair,
            SequenceLength = inputs.SequenceLength,
            Stride = inputs.Stride,
            StreamTokens = inputs.StreamTokens,
            WindowTokens = inputs.WindowTokens,
            Aborted = inputs.Aborted,
            TokenComparison = comparison,
            GateIdOf = inputs.GuardPolicies.GateId,
        };
        GateOutcome outcome = GateEvaluator.Evaluate(gateInputs);
        return new Result(policy, analysis, outcome, PrimaryMetric(inputs.PrimaryMetricKind, analysis, policy), Tail(analysis.Tail, policy.Tail),
            GatePolicy(policy), CanonicalJson.Sha256Hex(inputs.ResolvedPolicy), overhead, comparison is null ? null : Comparison(comparison));
    }

    /// <summary>SHA-256 (RFC 8785) of <c>{sequence_length, stride, preview: {window_ids, token_sha256}, final: {…}}</c>: two
    /// reports evaluated the same windows exactly when their plan digests are equal.</summary>
    public static string PlanSha256(WindowsSection windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return PlanSha256(windows.SequenceLength, windows.Stride, windows.Preview, windows.Final);
    }

    /// <summary>The plan digest of two arms (see <see cref="PlanSha256(WindowsSection)"/>).</summary>
    public static string PlanSha256(int sequenceLength, int stride, WindowArmSection preview, WindowArmSection final)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(final);
        static JsonObject Arm(WindowArmSection arm) => new()
        {
            ["window_ids"] = new JsonArray(arm.WindowIds.Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
            ["token_sha256"] = new JsonArray(arm.TokenSha256.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
        };
        return CanonicalJson.Sha256Hex(new JsonObject
        {
            ["sequence_length"] = sequenceLength,
            ["stride"] = stride,
            ["preview"] = Arm(preview),
            ["final"] = Arm(final),
        });
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

    /// <summary>How <see cref="TokenComparisonSection.Method"/> describes the figures.</summary>
    public const string ComparisonMethod = "per next-token prediction on the final arm: KL(baseline || subject) over the full vocabulary "
        + "and argmax agreement, from float32 logits accumulated in double; mean token-weighted, quantiles linear over predictions, "
        + "intervals paired BCa bootstrap over windows (weights = tokens)";

    private static TokenComparisonSection Comparison(TokenComparisonAnalysis c) => new(ComparisonMethod, "final", c.Tokens,
        new KlDivergenceSection(N(c.KlMean), N(c.KlMedian), N(c.KlP95), N(c.KlP99), N(c.KlMax), Interval(c.KlInterval)),
        new Top1AgreementSection(N(c.Top1Agreement), Interval(c.Top1Interval)));

    private static IntervalSection? Interval(BootstrapInterval? i) =>
        i is { } v && double.IsFinite(v.Lower) && double.IsFinite(v.Upper) ? new IntervalSection(v.Lower, v.Upper) : null;

    private static TailSection Tail(TailStatistics t, TailPolicy p) => new(p.Mode, p.MinWindows, p.Quantile, p.QuantileMax, p.Epsilon, p.MassMax,
        t.Count, t.Max, t.Q50, t.Q90, t.Q95, t.Q99, t.PolicyQuantileValue, t.TailMass, t.TailMassWeighted, t.Evaluated, t.Passed, t.Warned,
        t.Violations, "paired_baseline.final");

    private static GatePolicySection GatePolicy(MetricGatePolicy p) => new(p.Strict, p.RatioLimitBase, p.HysteresisRatio, p.AcceptanceMin,
        p.AcceptanceMax, p.TargetRatio, p.RatioLimit, p.RatioLimitWithHysteresis, p.MinTokens, p.MinTokenFraction, p.MinTokensTolerance,
        p.DriftMin, p.DriftMax, p.CoveragePreviewFloor, p.CoverageFinalFloor, p.CoverageReplicatesFloor, p.BootstrapReplicates, p.Alpha,
        p.GuardOverheadThreshold, p.ConfidenceWidthMax, p.KlMaxMean, p.Top1MinAgreement);
}
