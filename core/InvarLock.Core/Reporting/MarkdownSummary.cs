using System.Globalization;
using System.Text;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Reporting;

/// <summary>Renders the Markdown summary of a report (for PR comments): verdict, primary metric, gate table, guards and
/// provenance. The same numbers as the JSON, formatted for reading.</summary>
public static class MarkdownSummary
{
    /// <summary>The summary text (LF line ends, trailing newline).</summary>
    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        PrimaryMetricSection pm = report.PrimaryMetric;
        sb.Append("# InvarLock evaluation report\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"**Verdict:** {(report.Verdict.Passed ? "PASS" : "FAIL")}  \n");
        sb.Append(CultureInfo.InvariantCulture, $"**Profile / tier:** {report.Run.Profile} / {report.Run.Tier}  \n");
        sb.Append(CultureInfo.InvariantCulture, $"**Confidence:** {report.Confidence.Label} (ratio CI width {F(report.Confidence.Width, 4)})  \n");
        sb.Append(CultureInfo.InvariantCulture, $"**Schema:** `{report.SchemaVersion}`, content digest `{report.Integrity.ContentSha256[..Math.Min(16, report.Integrity.ContentSha256.Length)]}`\n\n");
        if (!report.Verdict.Passed)
        {
            sb.Append("## Failed gates\n\n");
            for (int i = 0; i < report.Verdict.FailedGates.Count; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- `{report.Verdict.FailedGates[i]}`: {(i < report.Verdict.Reasons.Count ? report.Verdict.Reasons[i] : "")}\n");
            }

            sb.Append('\n');
        }

        if (report.Verdict.Warnings.Count > 0)
        {
            sb.Append("## Warnings\n\n");
            foreach (string w in report.Verdict.Warnings)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- {w}\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Primary metric\n\n");
        sb.Append("| | Baseline | Subject |\n|---|---|---|\n");
        sb.Append(CultureInfo.InvariantCulture, $"| {pm.Kind} preview | {F(pm.Baseline.Preview.Perplexity, 4)} | {F(pm.Subject.Preview.Perplexity, 4)} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| {pm.Kind} final | {F(pm.Baseline.Final.Perplexity, 4)} | {F(pm.Subject.Final.Perplexity, 4)} |\n");
        sb.Append(CultureInfo.InvariantCulture, $"| drift (final/preview) | {F(pm.Drift.Baseline, 4)} | {F(pm.Drift.Subject, 4)} |\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Ratio subject/baseline (final): **{F(pm.Ratio, 4)}**");
        if (pm.DisplayCi is { } ci)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {100 * (1 - pm.Bootstrap.Alpha):0.#}% CI [{F(ci.Lower, 4)}, {F(ci.Upper, 4)}]");
        }

        sb.Append(CultureInfo.InvariantCulture, $" (limit {F(report.Policy.GatePolicy.RatioLimitWithHysteresis, 4)})\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"- Paired windows: {pm.FinalPairing.Matched}; bootstrap {pm.Bootstrap.Method}, {pm.Bootstrap.Replicates} replicates, seed {pm.Bootstrap.Seed}\n");
        if (pm.Delta is { } d)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- Mean Δ log-loss (token-weighted): {F(d.WeightedMean, 6)}; max {F(d.Max, 6)}\n");
        }

        if (report.TokenComparison is { } tc)
        {
            sb.Append("\n## KL divergence and top-1 agreement (final arm)\n\n");
            sb.Append("| Predictions | Mean KL (nats) | CI | Median | p95 | p99 | Max | Top-1 agreement | CI |\n|---|---|---|---|---|---|---|---|---|\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"| {tc.Tokens} | {F(tc.Kl.Mean, 6)} | {Ci(tc.Kl.Ci, 6)} | {F(tc.Kl.Median, 6)} | {F(tc.Kl.P95, 6)} | {F(tc.Kl.P99, 6)} | {F(tc.Kl.Max, 6)} "
                + $"| {F(tc.Top1.Agreement * 100, 2)}% | {Ci(tc.Top1.Ci is { } t ? new IntervalSection(t.Lower * 100, t.Upper * 100) : null, 2)} |\n");
        }

        sb.Append("\n## Gates\n\n| Gate | Status | Value | Threshold | Reason |\n|---|---|---|---|---|\n");
        foreach (GateResult g in report.Gates)
        {
            string status = !g.Evaluated ? "n/a" : g.Passed ? "PASS" : g.Gating ? "FAIL" : "WARN";
            sb.Append(CultureInfo.InvariantCulture,
                $"| `{g.Id}` | {status} | {F(g.Value, 4)} | {(g.Threshold is null ? "" : g.Comparison + " " + F(g.Threshold, 4))} | {Escape(g.Reason)} |\n");
        }

        sb.Append("\n## Guards\n\n| # | Guard | Passed | Action | Findings |\n|---|---|---|---|---|\n");
        foreach (GuardSection g in report.Guards)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| {g.Position} | {g.Name} | {(g.Passed ? "yes" : "no")} | {g.Action} | {g.Violations.Count}{(g.Error is null ? "" : " (error: " + Escape(g.Error) + ")")} |\n");
        }

        sb.Append("\n## Provenance\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Baseline: `{report.Baseline.Path}` ({report.Baseline.Architecture}, weights `{Short(report.Baseline.WeightsSha256)}`)\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Subject: `{report.Subject.Path}` ({report.Subject.Architecture}, weights `{Short(report.Subject.WeightsSha256)}`)\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Edit: {report.Edit?.Name ?? "none (subject brought in)"}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Graded model: {Html.ReportFacts.GradedModel(report)}\n");
        sb.Append(CultureInfo.InvariantCulture,
            $"- Dataset: {report.Dataset.Provider}, {report.Windows.Preview.Count}+{report.Windows.Final.Count} windows of {report.Windows.SequenceLength} tokens (stride {report.Windows.Stride}), plan `{Short(report.Windows.PlanSha256)}`\n");
        sb.Append(CultureInfo.InvariantCulture, $"- Policy digest: `{Short(report.Policy.Sha256)}`; tool {report.Tool.Name} {report.Tool.Version}\n");
        return sb.ToString();
    }

    private static string Short(string digest) => digest.Length > 16 ? digest[..16] : digest;

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Ci(IntervalSection? ci, int decimals) => ci is null ? "n/a" : $"[{F(ci.Lower, decimals)}, {F(ci.Upper, decimals)}]";

    private static string F(double? value, int decimals) =>
        value is double d ? d.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";
}
