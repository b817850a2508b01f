using System.Globalization;
using InvarLock.Core.Statistics;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Reporting.Gates;

/// <summary>Computes every gate once, in one place, from <see cref="GateInputs"/>. The report builder and
/// <c>verify</c> both call it, so a stored gate can always be re-derived.</summary>
public static class GateEvaluator
{
    public const string PrimaryMetricValid = "primary_metric_valid";
    public const string PrimaryMetricAcceptable = "primary_metric_acceptable";
    public const string PrimaryMetricTailAcceptable = "primary_metric_tail_acceptable";
    public const string DriftAcceptable = "preview_final_drift_acceptable";
    public const string ScheduleBalanced = "window_schedule_balanced";
    public const string GuardOverheadAcceptable = "guard_overhead_acceptable";
    public const string GuardChainCompleted = "guard_chain_completed";
    public const string WindowPairing = "window_pairing";
    public const string WindowOverlap = "window_overlap";
    public const string WindowCountsMatch = "window_counts_match";
    public const string BootstrapCoverage = "bootstrap_coverage";
    public const string TokenFloor = "token_floor";
    public const string KlAcceptable = "kl_divergence_acceptable";
    public const string Top1Acceptable = "top1_agreement_acceptable";
    /// <summary>Validation flag (not a gate): the ratio CI upper bound is above the limit but within the hysteresis band.</summary>
    public const string HysteresisApplied = "hysteresis_applied";

    private const double PairingTolerance = 1e-9;

    /// <summary>Evaluates every gate.</summary>
    public static GateOutcome Evaluate(GateInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        PrimaryMetricAnalysis a = inputs.Analysis;
        MetricGatePolicy p = inputs.Policy;
        var gates = new List<GateResult>();

        // 1. The metric must be computable.
        bool valid = a.InvalidReason is null;
        gates.Add(new GateResult(PrimaryMetricValid, "Perplexities, ratio and paired Δ are finite and at least one window pairs", true, true,
            valid, null, null, "none",
            valid ? "Both models scored every paired window with finite losses."
                : $"The primary metric is unusable ({a.InvalidReason}).",
            "always"));

        // 2. Ratio gate: the CI upper bound against limit + hysteresis; the point ratio is recorded.
        double limit = p.RatioLimit;
        double limitH = p.RatioLimitWithHysteresis;
        var ratioCi = a.RatioInterval;
        bool ratioOk = false;
        bool hysteresisApplied = false;
        string ratioReason;
        if (ratioCi is { } ci && double.IsFinite(a.Ratio))
        {
            bool upperOk = ci.Upper <= limitH;
            bool lowerOk = p.AcceptanceMin is not double min || ci.Lower >= min;
            ratioOk = upperOk && lowerOk;
            hysteresisApplied = ratioOk && ci.Upper > limit;
            ratioReason = !upperOk
                ? $"Ratio CI upper bound {F(ci.Upper)} exceeds the limit {F(limitH)} ({F(limit)} + hysteresis {F(p.HysteresisRatio)}); point ratio {F(a.Ratio)}."
                : !lowerOk
                    ? $"Ratio CI lower bound {F(ci.Lower)} is below the acceptance minimum {F(p.AcceptanceMin!.Value)}; point ratio {F(a.Ratio)}."
                    : $"Ratio {F(a.Ratio)} with CI [{F(ci.Lower)}, {F(ci.Upper)}] is within the limit {F(limitH)}"
                      + (hysteresisApplied ? " (inside the hysteresis band)." : ".");
        }
        else
        {
            ratioReason = "No ratio confidence interval could be computed.";
        }

        gates.Add(new GateResult(PrimaryMetricAcceptable, "Subject/baseline perplexity ratio: CI upper bound within the tier limit", true, true,
            ratioOk, ratioCi?.Upper, limitH, "<=", ratioReason,
            p.AcceptanceMax is null ? "metrics.pm_ratio.ratio_limit_base + metrics.pm_ratio.hysteresis_ratio"
                : "metrics.pm_acceptance_range.max + metrics.pm_ratio.hysteresis_ratio"));

        // 3. Tail gate.
        TailStatistics tail = a.Tail;
        bool tailOk = tail.Acceptable(p.Tail);
        string tailReason = !tail.Evaluated
            ? (p.Tail.Mode == "off" ? "The tail gate is off." : $"Not evaluated: {tail.Count} paired windows, the gate needs {p.Tail.MinWindows}.")
            : tail.Passed
                ? $"Δ q{Q(p.Tail.Quantile)} = {F(tail.PolicyQuantileValue)} and tail mass {F(tail.TailMass)} are within the limits."
                : $"Tail violations ({string.Join(", ", tail.Violations)}): Δ q{Q(p.Tail.Quantile)} = {F(tail.PolicyQuantileValue)} (max {F(p.Tail.QuantileMax)}), "
                  + $"tail mass {F(tail.TailMass)} (max {F(p.Tail.MassMax)})" + (p.Tail.Mode == "warn" ? "; mode warn, so this only warns." : ".");
        gates.Add(new GateResult(PrimaryMetricTailAcceptable, "Per-window Δ tail: policy quantile and tail mass within limits", p.Tail.Mode == "fail",
            tail.Evaluated, tailOk,
            tail.PolicyQuantileValue, p.Tail.QuantileMax, "<=", tailReason, "metrics.pm_tail"));

        // 4. Drift between the arms: the baseline's (the schedule) and the subject's (the edit). The arms are dealt so the
        //    baseline's drift is 1; when it is not, the schedule is unbalanced and the failure says so.
        double baseDrift = a.BaselineDrift;
        bool scheduleOk = double.IsFinite(baseDrift) && baseDrift >= p.DriftMin && baseDrift <= p.DriftMax;
        gates.Add(new GateResult(ScheduleBalanced, "Baseline final/preview perplexity within the drift band (the arms are balanced)", true, true,
            scheduleOk, Finite(baseDrift), p.DriftMax, "in",
            !double.IsFinite(baseDrift)
                ? "The baseline's drift is undefined (a perplexity is not finite)."
                : scheduleOk
                    ? $"Baseline drift {F(baseDrift)} is inside the band [{F(p.DriftMin)}, {F(p.DriftMax)}]: the arms are balanced."
                    : $"The window schedule is unbalanced: the baseline's own drift {F(baseDrift)} is outside the band [{F(p.DriftMin)}, {F(p.DriftMax)}]. "
                      + "This is a dataset/plan problem (too few windows, or text too uneven to balance), not the edit; use more windows.",
            "metrics.pm_drift_band (default 0.95-1.05)"));

        double drift = a.SubjectDrift;
        bool driftOk = double.IsFinite(drift) && drift >= p.DriftMin && drift <= p.DriftMax;
        gates.Add(new GateResult(DriftAcceptable, "Subject final/preview perplexity within the drift band", true, true, driftOk,
            Finite(drift), p.DriftMax, "in",
            !double.IsFinite(drift)
                ? "Drift is undefined (a perplexity is not finite)."
                : driftOk
                    ? $"Subject drift {F(drift)} is inside the band [{F(p.DriftMin)}, {F(p.DriftMax)}] (baseline {F(Finite(baseDrift))})."
                    : scheduleOk
                        ? $"Subject drift {F(drift)} is outside the band [{F(p.DriftMin)}, {F(p.DriftMax)}] while the baseline's is {F(baseDrift)}: "
                          + "the edit changed the model unevenly across the arms."
                        : $"Subject drift {F(drift)} is outside the band [{F(p.DriftMin)}, {F(p.DriftMax)}], and so is the baseline's ({F(Finite(baseDrift))}): "
                          + "the schedule, not the edit, is unbalanced.",
            "metrics.pm_drift_band (default 0.95-1.05)"));

        // 5. Guard overhead (ci/release measure it).
        if (inputs.Overhead is { } overhead)
        {
            double ratio = overhead.Bare > 0 && double.IsFinite(overhead.Bare) && double.IsFinite(overhead.Guarded)
                ? overhead.Guarded / overhead.Bare : double.NaN;
            bool evaluated = double.IsFinite(ratio);
            bool ok = !evaluated || ratio <= 1.0 + p.GuardOverheadThreshold;
            gates.Add(new GateResult(GuardOverheadAcceptable, "Guarded/bare subject perplexity within the overhead budget", true, evaluated, ok,
                Finite(ratio), 1.0 + p.GuardOverheadThreshold, "<=",
                evaluated ? $"Guarded/bare ratio {F(ratio)} ({F((ratio - 1.0) * 100.0)}%) against a budget of {F(p.GuardOverheadThreshold * 100.0)}%."
                    : "The overhead ratio could not be computed.",
                "metrics.guard_overhead.threshold (default 0.01)"));
        }
        else
        {
            gates.Add(new GateResult(GuardOverheadAcceptable, "Guarded/bare subject perplexity within the overhead budget", true, false, true,
                null, 1.0 + p.GuardOverheadThreshold, "<=", "Not measured in this profile.", "profile"));
        }

        // 5b. Secondary metrics, gated only when the policy sets a threshold.
        if (p.KlMaxMean is double klMax)
        {
            double? kl = inputs.TokenComparison?.KlMean;
            bool measured = kl is double k && double.IsFinite(k);
            gates.Add(new GateResult(KlAcceptable, "Mean KL(baseline || subject) per token within the policy's limit", true, true,
                measured && kl <= klMax, measured ? kl : null, klMax, "<=",
                measured ? $"Mean KL {G(kl!.Value)} nats per token against a limit of {G(klMax)}."
                    : "KL divergence was not measured (no baseline pass in this run, or the metric compares no distributions).",
                "metrics.kl.max_mean"));
        }
        if (p.Top1MinAgreement is double top1Min)
        {
            double? agreement = inputs.TokenComparison?.Top1Agreement;
            bool measured = agreement is double a1 && double.IsFinite(a1);
            gates.Add(new GateResult(Top1Acceptable, "Top-1 agreement with the baseline at least the policy's floor", true, true,
                measured && agreement >= top1Min, measured ? agreement : null, top1Min, ">=",
                measured ? $"Top-1 agreement {F(agreement!.Value)} against a floor of {F(top1Min)}."
                    : "Top-1 agreement was not measured (no baseline pass in this run, or the metric compares no distributions).",
                "metrics.top1.min_agreement"));
        }

        // 6. Guards, one gate per guard name (invariants covers both of its positions).
        var byName = new List<string>();
        foreach (GuardGateInput g in inputs.Guards)
        {
            if (!byName.Contains(g.Name))
            {
                byName.Add(g.Name);
            }
        }

        foreach (string name in byName)
        {
            var records = inputs.Guards.Where(g => g.Name == name).ToList();
            var failing = records.Where(g => !g.Passed || g.Error is not null || g.Action >= GuardAction.Rollback).ToList();
            int violations = records.Sum(g => g.Violations);
            string reason = failing.Count == 0
                ? $"The {name} guard passed ({violations} finding(s), action {MaxAction(records)})."
                : failing.Any(g => g.Error is not null)
                    ? $"The {name} guard failed with an error: {failing.First(g => g.Error is not null).Error}"
                    : $"The {name} guard failed ({violations} finding(s), action {MaxAction(records)}).";
            gates.Add(new GateResult(inputs.GateIdOf(name), $"The {name} guard passes", true, true, failing.Count == 0, violations, null, "none",
                reason, $"guards.{name}"));
        }

        bool completed = !inputs.Aborted;
        gates.Add(new GateResult(GuardChainCompleted, "The guard chain ran to the end (no abort)", true, true, completed, null, null, "none",
            completed ? "No guard aborted the run." : "A guard aborted the run; the metric arms may be incomplete.", "always"));

        // 7. Pairing, overlap, counts, coverage, tokens: gating in ci/release, warnings in dev.
        WindowPairing pp = a.PreviewPairing, fp = a.FinalPairing;
        bool pairingOk = pp.Perfect && fp.Perfect && Math.Abs(pp.MatchFraction - 1.0) <= PairingTolerance
            && Math.Abs(fp.MatchFraction - 1.0) <= PairingTolerance && a.FinalPairing.Matched > 0;
        string? pairingReason = pp.Reason("preview") ?? fp.Reason("final") ?? (fp.Matched == 0 ? "final_no_pairs" : null);
        gates.Add(new GateResult(WindowPairing, "Every baseline window pairs with exactly one subject window (same id and token count)",
            p.Strict, true, pairingOk, Math.Min(pp.MatchFraction, fp.MatchFraction), 1.0, "==",
            pairingOk ? $"{pp.Matched} preview and {fp.Matched} final windows pair exactly." : $"Pairing problem: {pairingReason}.",
            "profile (ci, release)"));

        double overlap = inputs.SequenceLength <= 0 ? 1.0
            : Math.Clamp((inputs.SequenceLength - (double)inputs.Stride) / inputs.SequenceLength, 0.0, 1.0);
        bool overlapOk = overlap <= PairingTolerance;
        gates.Add(new GateResult(WindowOverlap, "Windows do not overlap (stride ≥ sequence length)", p.Strict, true, overlapOk, overlap, 0.0,
            "<=", overlapOk ? "Windows are disjoint." : $"Windows overlap by {F(overlap * 100.0)}% (stride {inputs.Stride} < sequence length {inputs.SequenceLength}).",
            "profile (ci, release)"));

        int previewCount = a.SubjectPreview.Windows, finalCount = a.SubjectFinal.Windows;
        bool countsOk = previewCount == finalCount && a.BaselinePreview.Windows == previewCount && a.BaselineFinal.Windows == finalCount;
        gates.Add(new GateResult(WindowCountsMatch, "Preview and final arms hold the same number of windows for both models", p.Strict, true, countsOk,
            previewCount, finalCount, "==",
            countsOk ? $"{previewCount} preview and {finalCount} final windows."
                : $"Window counts differ: baseline {a.BaselinePreview.Windows}/{a.BaselineFinal.Windows}, subject {previewCount}/{finalCount} (preview/final).",
            "profile (ci, release)"));

        bool coverageOk = previewCount >= p.CoveragePreviewFloor && finalCount >= p.CoverageFinalFloor
            && a.Bootstrap.Replicates >= p.CoverageReplicatesFloor;
        gates.Add(new GateResult(BootstrapCoverage, "Windows and bootstrap replicates meet the tier's coverage floors", p.Strict, true, coverageOk,
            Math.Min(previewCount, finalCount), Math.Max(p.CoveragePreviewFloor, p.CoverageFinalFloor), ">=",
            $"{previewCount}/{finalCount} windows and {a.Bootstrap.Replicates} replicates against floors "
            + $"{p.CoveragePreviewFloor}/{p.CoverageFinalFloor} and {p.CoverageReplicatesFloor} ({p.Tier} tier)"
            + (coverageOk ? "." : ": below the floor."),
            $"tier {p.Tier} coverage floors"));

        long floor = Math.Max(p.MinTokens, (long)Math.Ceiling(inputs.StreamTokens * p.MinTokenFraction));
        bool tokensOk = inputs.WindowTokens >= floor
            || (previewCount >= p.CoveragePreviewFloor && finalCount >= p.CoverageFinalFloor
                && inputs.WindowTokens >= (long)Math.Floor(floor * (1.0 - p.MinTokensTolerance)));
        gates.Add(new GateResult(TokenFloor, "Evaluated tokens meet the tier's token floor", p.Strict, p.MinTokens > 0, tokensOk || p.MinTokens <= 0,
            inputs.WindowTokens, floor, ">=",
            $"{inputs.WindowTokens} tokens evaluated against a floor of {floor} (max of min_tokens {p.MinTokens} and "
            + $"{F(p.MinTokenFraction * 100.0)}% of {inputs.StreamTokens} available)" + (tokensOk ? "." : ": too few."),
            "metrics.pm_ratio.min_tokens, metrics.pm_ratio.min_token_fraction"));

        var validation = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (GateResult g in gates)
        {
            validation[g.Id] = g.Passed;
        }

        validation[HysteresisApplied] = hysteresisApplied;
        var failed = gates.Where(g => g.Gating && !g.Passed).ToList();
        var warned = gates.Where(g => !g.Gating && !g.Passed).Select(g => g.Reason).ToList();
        if (tail.Warned)
        {
            warned.Add(tailReason);
        }

        var verdict = new Verdict(failed.Count == 0, failed.Select(g => g.Id).ToList(), failed.Select(g => g.Reason).ToList(),
            warned.Distinct().ToList());
        bool unstable = a.Bootstrap.Replicates < 200 || inputs.WindowTokens < p.MinTokens;
        return new GateOutcome(gates, validation, verdict, Confidence(ratioOk, unstable, ratioCi, p.ConfidenceWidthMax));
    }

    private static ConfidenceLabel Confidence(bool gatePassed, bool unstable, (double Lower, double Upper)? ci, double threshold)
    {
        double? width = ci is { } c ? c.Upper - c.Lower : null;
        string label;
        if (!gatePassed || width is not double w)
        {
            label = "Low";
        }
        else if (!unstable && w <= threshold)
        {
            label = "High";
        }
        else if (w <= 2 * threshold || unstable)
        {
            label = "Medium";
        }
        else
        {
            label = "Low";
        }

        return new ConfidenceLabel(label, "ppl_ratio", width, threshold, unstable);
    }

    private static string MaxAction(List<GuardGateInput> records)
    {
        GuardAction worst = GuardAction.None;
        foreach (GuardGateInput g in records)
        {
            if (g.Action > worst)
            {
                worst = g.Action;
            }
        }

        return worst.ToString().ToLowerInvariant();
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string Q(double q) => Math.Round(q * 100.0).ToString(CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    internal static string F(double? v) => v is double d ? d.ToString("0.######", CultureInfo.InvariantCulture) : "n/a";
}
