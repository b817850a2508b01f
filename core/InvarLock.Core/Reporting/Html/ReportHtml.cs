using System.Globalization;
using System.Text;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Reporting.Html;

/// <summary>Renders a report as one self-contained HTML page: verdict, primary metric with the ratio interval, the gate
/// table, the per-window Δ histogram and the guard chain, drawn with inline CSS and inline SVG. The page loads nothing
/// (a Content-Security-Policy forbids every external fetch and every script) and every report string is escaped.</summary>
public static class ReportHtml
{
    /// <summary>Findings listed per guard; the rest are counted.</summary>
    public const int TopViolationsPerGuard = 5;

    /// <summary>Metrics listed per guard (first in key order); the rest are counted.</summary>
    public const int KeyMetricsPerGuard = 8;

    /// <summary>The page (UTF-8 text, LF line ends, trailing newline). <paramref name="guards"/> (a registry's
    /// <see cref="Plugins.PluginRegistry.GuardPolicies"/>) maps each finding to the policy key its guard declares;
    /// without it a finding points at its guard's section.</summary>
    public static string Render(EvaluationReport report, Plugins.GuardPolicyCatalog? guards = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var page = new Page();
        string verdict = report.Verdict.Passed ? "PASS" : "FAIL";
        string verdictClass = report.Verdict.Passed ? "pass" : "fail";
        page.Line("<!DOCTYPE html>");
        page.Line("<html lang=\"en\">");
        page.Line("<head>");
        page.Line("<meta charset=\"utf-8\">");
        page.Line("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        page.Line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        page.Line($"<title>InvarLock evaluation report: {verdict}</title>");
        page.Line("<style>" + Stylesheet + "</style>");
        page.Line("</head>");
        page.Line("<body>");
        page.Line("<main>");
        Header(page, report, verdict, verdictClass);
        PrimaryMetric(page, report);
        GateTable(page, report);
        Histogram(page, report);
        TokenComparison(page, report);
        Guards(page, report, guards ?? Plugins.GuardPolicyCatalog.Empty);
        Provenance(page, report);
        page.Line("</main>");
        page.Line("</body>");
        page.Line("</html>");
        return page.ToString();
    }

    private static void Header(Page page, EvaluationReport report, string verdict, string verdictClass)
    {
        page.Line($"<header class=\"verdict {verdictClass}\">");
        page.Line("<h1>InvarLock evaluation report</h1>");
        page.Line($"<p class=\"verdict-badge\" id=\"verdict\">{verdict}</p>");
        page.Line($"<p class=\"meta\">Profile <b>{E(report.Run.Profile)}</b> · tier <b>{E(report.Run.Tier)}</b> · confidence <b>{E(report.Confidence.Label)}</b>"
            + $" (ratio CI width {N(report.Confidence.Width, 4)}) · edit <b>{E(report.Edit?.Name ?? "none (subject brought in)")}</b></p>");
        page.Line("</header>");
        if (!report.Verdict.Passed)
        {
            page.Line("<section id=\"failed-gates\"><h2>Why it failed</h2><ul>");
            for (int i = 0; i < report.Verdict.FailedGates.Count; i++)
            {
                string reason = i < report.Verdict.Reasons.Count ? report.Verdict.Reasons[i] : string.Empty;
                page.Line($"<li><code>{E(report.Verdict.FailedGates[i])}</code>: {E(reason)}</li>");
            }

            if (report.Run.Aborted)
            {
                page.Line("<li>A guard aborted the run.</li>");
            }

            page.Line("</ul></section>");
        }

        var warnings = report.Verdict.Warnings.Concat(report.Run.Warnings).Distinct(StringComparer.Ordinal).ToList();
        if (warnings.Count > 0)
        {
            page.Line("<section id=\"warnings\"><h2>Warnings</h2><ul>");
            foreach (string w in warnings)
            {
                page.Line($"<li>{E(w)}</li>");
            }

            page.Line("</ul></section>");
        }
    }

    private static void PrimaryMetric(Page page, EvaluationReport report)
    {
        PrimaryMetricSection pm = report.PrimaryMetric;
        GatePolicySection gp = report.Policy.GatePolicy;
        page.Line("<section id=\"primary-metric\"><h2>Primary metric</h2>");
        page.Line($"<table><thead><tr><th>{E(pm.Kind)}</th><th>Baseline</th><th>Subject</th></tr></thead><tbody>");
        page.Line($"<tr><td>preview perplexity</td><td class=\"num\">{F(pm.Baseline.Preview.Perplexity, 4)}</td><td class=\"num\">{F(pm.Subject.Preview.Perplexity, 4)}</td></tr>");
        page.Line($"<tr><td>final perplexity</td><td class=\"num\">{F(pm.Baseline.Final.Perplexity, 4)}</td><td class=\"num\">{F(pm.Subject.Final.Perplexity, 4)}</td></tr>");
        page.Line($"<tr><td>drift (final/preview)</td><td class=\"num\">{F(pm.Drift.Baseline, 4)}</td><td class=\"num\">{F(pm.Drift.Subject, 4)}</td></tr>");
        page.Line($"<tr><td>tokens (final)</td><td class=\"num\">{pm.Baseline.Final.TokenCount.ToString(CultureInfo.InvariantCulture)}</td><td class=\"num\">{pm.Subject.Final.TokenCount.ToString(CultureInfo.InvariantCulture)}</td></tr>");
        page.Line("</tbody></table>");
        string ci = pm.DisplayCi is { } d
            ? $"{N(100 * (1 - pm.Bootstrap.Alpha), 1)}% CI [{F(d.Lower, 4)}, {F(d.Upper, 4)}]"
            : "no interval";
        page.Line($"<p class=\"ratio\">Ratio subject/baseline (final): <b id=\"ratio\">{F(pm.Ratio, 4)}</b>, {ci}; the CI upper bound must stay ≤ {F(gp.RatioLimitWithHysteresis, 4)}"
            + $" ({F(gp.RatioLimit, 4)} + hysteresis {N(gp.HysteresisRatio, 6)}).</p>");
        page.Line(SvgCharts.RatioInterval(pm.Ratio, pm.DisplayCi, gp.RatioLimitWithHysteresis));
        page.Line("<ul class=\"facts\">");
        if (pm.Delta is { } delta)
        {
            page.Line($"<li>Paired Δ log-loss (final, {delta.Count} windows): token-weighted mean {F(delta.WeightedMean, 6)}, mean {F(delta.Mean, 6)},"
                + $" sd {F(delta.StandardDeviation, 6)}, min {F(delta.Min, 6)}, max {F(delta.Max, 6)}</li>");
        }

        if (pm.Ci is { } logCi)
        {
            page.Line($"<li>Δ interval (log space): [{F(logCi.Lower, 6)}, {F(logCi.Upper, 6)}]</li>");
        }

        page.Line($"<li>Bootstrap: {E(pm.Bootstrap.Method)}, {pm.Bootstrap.Replicates.ToString(CultureInfo.InvariantCulture)} replicates, α {N(pm.Bootstrap.Alpha, 4)},"
            + $" seed {pm.Bootstrap.Seed.ToString(CultureInfo.InvariantCulture)}, generator {E(pm.Bootstrap.Generator)}{(pm.Bootstrap.Weighted ? ", token-weighted" : "")}</li>");
        page.Line($"<li>Pairing: {pm.PreviewPairing.Matched.ToString(CultureInfo.InvariantCulture)}/{pm.PreviewPairing.Expected.ToString(CultureInfo.InvariantCulture)} preview and"
            + $" {pm.FinalPairing.Matched.ToString(CultureInfo.InvariantCulture)}/{pm.FinalPairing.Expected.ToString(CultureInfo.InvariantCulture)} final windows matched</li>");
        if (pm.DegenerateReason is not null)
        {
            page.Line($"<li>Degenerate interval: {E(pm.DegenerateReason)}</li>");
        }

        if (pm.InvalidReason is not null)
        {
            page.Line($"<li class=\"bad\">Metric unusable: {E(pm.InvalidReason)}</li>");
        }

        page.Line("</ul></section>");
    }

    private static void GateTable(Page page, EvaluationReport report)
    {
        page.Line("<section id=\"gates\"><h2>Gates</h2>");
        page.Line("<table><thead><tr><th>Gate</th><th>Outcome</th><th>Value</th><th>Threshold</th><th>Reason</th><th>Policy</th></tr></thead><tbody>");
        foreach (GateResult g in report.Gates)
        {
            string outcome = ReportFacts.Outcome(g);
            page.Line($"<tr class=\"gate\"><td><code>{E(g.Id)}</code>{(g.Gating ? "" : " <small>(informational)</small>")}</td>"
                + $"<td><span class=\"badge {outcome.Replace("/", "", StringComparison.Ordinal).ToLowerInvariant()}\">{outcome}</span></td>"
                + $"<td class=\"num\">{N(g.Value, 6)}</td><td class=\"num\">{E(ReportFacts.Threshold(g, report.Policy.GatePolicy))}</td>"
                + $"<td>{E(g.Reason)}</td><td><small>{E(g.PolicySource)}</small></td></tr>");
        }

        page.Line("</tbody></table></section>");
    }

    private static void Histogram(Page page, EvaluationReport report)
    {
        DeltaHistogram histogram = DeltaHistogram.Build(ReportFacts.PerWindowDeltas(report.Evaluation.Final));
        page.Line("<section id=\"delta-histogram\"><h2>Per-window Δ log-loss (final arm)</h2>");
        page.Line(SvgCharts.Histogram(histogram));
        string bins = histogram.Counts.Count == 1 && histogram.BinWidth == 0
            ? $"All {histogram.Total.ToString(CultureInfo.InvariantCulture)} windows have Δ = {N(histogram.Lower, 6)}"
            : $"{histogram.Total.ToString(CultureInfo.InvariantCulture)} windows in {histogram.Counts.Count.ToString(CultureInfo.InvariantCulture)} bins of width {N(histogram.BinWidth, 6)}";
        page.Line($"<p class=\"note\">{bins}" + (histogram.Missing > 0 ? $"; {histogram.Missing.ToString(CultureInfo.InvariantCulture)} window(s) without a finite Δ are not drawn" : "")
            + $". Tail: q{N(report.Tail.Quantile * 100, 0)} = {F(report.Tail.PolicyQuantileValue, 6)}, tail mass {N(report.Tail.TailMass, 6)} (mode {E(report.Tail.Mode)}).</p>");
        page.Line("</section>");
    }

    private static void TokenComparison(Page page, EvaluationReport report)
    {
        if (report.TokenComparison is not { } tc || report.Evaluation.FinalTokenComparison is not { } raw)
        {
            return;
        }
        var values = new List<double?>();
        foreach (IReadOnlyList<double> window in raw.PerTokenKl)
        {
            foreach (double v in window)
            {
                values.Add(v);
            }
        }
        DeltaHistogram histogram = DeltaHistogram.Build(values);
        page.Line("<section id=\"token-comparison\"><h2>KL divergence and top-1 agreement (final arm)</h2>");
        page.Line("<table><thead><tr><th>Predictions</th><th>Mean KL</th><th>CI</th><th>Median</th><th>p95</th><th>p99</th><th>Max</th>"
            + "<th>Top-1 agreement</th><th>CI</th></tr></thead><tbody>");
        page.Line($"<tr><td class=\"num\">{tc.Tokens.ToString(CultureInfo.InvariantCulture)}</td><td class=\"num\">{F(tc.Kl.Mean, 6)}</td>"
            + $"<td class=\"num\">{Ci(tc.Kl.Ci, 6)}</td><td class=\"num\">{F(tc.Kl.Median, 6)}</td><td class=\"num\">{F(tc.Kl.P95, 6)}</td>"
            + $"<td class=\"num\">{F(tc.Kl.P99, 6)}</td><td class=\"num\">{F(tc.Kl.Max, 6)}</td><td class=\"num\">{F(tc.Top1.Agreement * 100, 2)}%</td>"
            + $"<td class=\"num\">{Ci(tc.Top1.Ci is { } t ? new IntervalSection(t.Lower * 100, t.Upper * 100) : null, 2)}</td></tr>");
        page.Line("</tbody></table>");
        page.Line(SvgCharts.Histogram(histogram, "kl-histogram",
            $"KL(baseline || subject) per prediction, final arm: {histogram.Total} predictions in {histogram.Counts.Count} bins",
            "KL(baseline ‖ subject) per prediction (nats)", "prediction(s)", "no finite KL value"));
        page.Line($"<p class=\"note\">{E(tc.Method)}.</p>");
        page.Line("</section>");
    }

    private static string Ci(IntervalSection? ci, int decimals) => ci is null ? "n/a" : $"[{F(ci.Lower, decimals)}, {F(ci.Upper, decimals)}]";

    private static void Guards(Page page, EvaluationReport report, Plugins.GuardPolicyCatalog catalog)
    {
        page.Line("<section id=\"guards\"><h2>Guards</h2>");
        page.Line(SvgCharts.GuardChain(report.Guards));
        foreach (GuardSection g in report.Guards)
        {
            bool ok = g.Passed && g.Error is null;
            page.Line($"<article class=\"guard-card {(ok ? "pass" : "fail")}\">");
            page.Line($"<h3>{g.Position.ToString(CultureInfo.InvariantCulture)}. {E(g.Name)} <span class=\"badge {(ok ? "pass" : "fail")}\">{(ok ? "PASS" : "FAIL")}</span></h3>");
            page.Line($"<p>Action <b>{E(g.Action)}</b> · {g.Violations.Count.ToString(CultureInfo.InvariantCulture)} finding(s) · source {E(g.Source)}"
                + (g.PreparedReady is bool ready ? $" · prepared {(ready ? "yes" : "no")}" : "") + "</p>");
            if (g.Error is not null)
            {
                page.Line($"<p class=\"bad\">Error: {E(g.Error)}</p>");
            }

            if (g.Violations.Count > 0)
            {
                page.Line("<table class=\"violations\"><thead><tr><th>Finding</th><th>Module / family</th><th>Value</th><th>Threshold</th><th>Policy</th><th>Message</th></tr></thead><tbody>");
                foreach (GuardViolationSection v in ReportFacts.TopViolations(g, TopViolationsPerGuard))
                {
                    page.Line($"<tr><td><code>{E(v.Code)}</code>{(v.Fatal ? " <small>(fatal)</small>" : "")}</td><td>{E(v.Module ?? "")}</td>"
                        + $"<td class=\"num\">{N(v.Value, 6)}</td><td class=\"num\">{N(v.Threshold, 6)}</td>"
                        + $"<td><small>{E(PolicyLines.ForViolation(g, v, catalog))}</small></td><td>{E(v.Message)}</td></tr>");
                }

                page.Line("</tbody></table>");
                if (g.Violations.Count > TopViolationsPerGuard)
                {
                    page.Line($"<p class=\"note\">… and {(g.Violations.Count - TopViolationsPerGuard).ToString(CultureInfo.InvariantCulture)} more finding(s) in the JSON report.</p>");
                }
            }

            if (g.Metrics.Count > 0)
            {
                var keys = g.Metrics.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
                page.Line("<dl class=\"metrics\">");
                foreach (string key in keys.Take(KeyMetricsPerGuard))
                {
                    page.Line($"<dt>{E(key)}</dt><dd>{N(g.Metrics[key], 6)}</dd>");
                }

                page.Line("</dl>");
                if (keys.Count > KeyMetricsPerGuard)
                {
                    page.Line($"<p class=\"note\">… and {(keys.Count - KeyMetricsPerGuard).ToString(CultureInfo.InvariantCulture)} more metric(s) in the JSON report.</p>");
                }
            }

            page.Line("</article>");
        }

        if (report.GuardOverhead is { } overhead)
        {
            page.Line($"<p>Guard overhead ({E(overhead.Method)}): guarded/bare perplexity {F(overhead.Ratio, 6)} ({N(overhead.Percent, 4)}%),"
                + $" budget {N(overhead.Threshold * 100, 4)}%.</p>");
        }

        page.Line("</section>");
    }

    private static void Provenance(Page page, EvaluationReport report)
    {
        page.Line("<section id=\"provenance\"><h2>Provenance</h2><ul class=\"facts\">");
        page.Line($"<li>Baseline: <code>{E(report.Baseline.Path)}</code> ({E(report.Baseline.Architecture)}, weights <code>{E(Short(report.Baseline.WeightsSha256))}</code>)</li>");
        page.Line($"<li>Subject: <code>{E(report.Subject.Path)}</code> ({E(report.Subject.Architecture)}, weights <code>{E(Short(report.Subject.WeightsSha256))}</code>)</li>");
        page.Line($"<li id=\"graded-model\">Graded model: {E(ReportFacts.GradedModel(report))}</li>");
        page.Line($"<li>Dataset: {E(report.Dataset.Provider)} ({E(report.Dataset.Source)}), {report.Windows.Preview.Count.ToString(CultureInfo.InvariantCulture)}+{report.Windows.Final.Count.ToString(CultureInfo.InvariantCulture)}"
            + $" windows of {report.Windows.SequenceLength.ToString(CultureInfo.InvariantCulture)} tokens (stride {report.Windows.Stride.ToString(CultureInfo.InvariantCulture)}), plan <code>{E(Short(report.Windows.PlanSha256))}</code></li>");
        page.Line($"<li>Policy: tier {E(report.Policy.Tier)}, profile {E(report.Policy.Profile)}, digest <code>{E(Short(report.Policy.Sha256))}</code></li>");
        foreach (PluginSection p in report.Plugins)
        {
            page.Line($"<li>Plugin: {E(p.Kind)} <b>{E(p.Name)}</b> {E(p.Version)} ({E(p.Source)})</li>");
        }

        page.Line("</ul>");
        page.Line($"<footer>Schema <code>{E(report.SchemaVersion)}</code> · content digest <code>{E(report.Integrity.ContentSha256)}</code> · {E(report.Tool.Name)} {E(report.Tool.Version)}"
            + $" · started {E(report.Timing.StartedUtc)}</footer>");
        page.Line("</section>");
    }

    private static string E(string? text) => HtmlText.Escape(text);

    private static string N(double? value, int decimals) => HtmlText.Number(value, decimals);

    private static string F(double? value, int decimals) => HtmlText.Fixed(value, decimals);

    private static string Short(string digest) => digest.Length > 16 ? digest[..16] : digest;

    private sealed class Page
    {
        private readonly StringBuilder _sb = new();

        public void Line(string text) => _sb.Append(text).Append('\n');

        public override string ToString() => _sb.ToString();
    }

    private const string Stylesheet = """
        :root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--na:#6e7781;--ink:#1f2328;--muted:#59636e;--line:#d0d7de;--panel:#f6f8fa}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
        main{max-width:1040px;margin:0 auto;padding:24px}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:0 0 6px}
        .verdict{border:2px solid var(--line);border-radius:10px;padding:16px 20px;background:var(--panel)}
        .verdict.pass{border-color:var(--pass)}.verdict.fail{border-color:var(--fail)}
        .verdict-badge{display:inline-block;font-size:32px;font-weight:800;letter-spacing:.08em;margin:4px 0;padding:2px 18px;border-radius:8px;color:#fff}
        .verdict.pass .verdict-badge{background:var(--pass)}.verdict.fail .verdict-badge{background:var(--fail)}
        .meta,.note{color:var(--muted)}
        table{border-collapse:collapse;width:100%;margin:8px 0}
        th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        th{background:var(--panel)}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--panel);padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
        tr.gate td:first-child code{white-space:nowrap}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:700;color:#fff;background:var(--na)}
        .badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}
        .bad{color:var(--fail)}
        .chart{width:100%;height:auto;max-width:720px;display:block;margin:8px 0}
        .chart .axis{stroke:var(--muted);stroke-width:1}.chart .bar{fill:#0969da}.chart .zero{stroke:var(--fail);stroke-dasharray:4 3}
        .chart .label{font-size:11px;fill:var(--muted)}.chart .value{fill:var(--ink);font-weight:700}.chart .one{stroke:var(--muted)}.chart .limit{stroke:var(--fail);stroke-width:2;stroke-dasharray:5 3}
        .chart .interval{fill:#54aeff;opacity:.6}.chart .point{fill:#0550ae}
        .chart .guard{stroke-width:2}.chart .guard.pass{fill:#dafbe1;stroke:var(--pass)}.chart .guard.fail{fill:#ffebe9;stroke:var(--fail)}.chart .guard.warn{fill:#fff8c5;stroke:var(--warn)}
        .chart .guard-name{font-size:13px;font-weight:700;fill:var(--ink)}.chart .guard-state{font-size:11px;fill:var(--muted)}
        .guard-card{border:1px solid var(--line);border-left:4px solid var(--pass);border-radius:6px;padding:10px 14px;margin:10px 0}
        .guard-card.fail{border-left-color:var(--fail)}
        .metrics{display:grid;grid-template-columns:max-content auto;gap:0 16px;margin:6px 0}.metrics dt{color:var(--muted)}.metrics dd{margin:0;font-variant-numeric:tabular-nums}
        footer{margin-top:12px;color:var(--muted);font-size:12px}
        @media print{main{max-width:none;padding:0}.verdict{break-inside:avoid}.guard-card{break-inside:avoid}}
        """;
}
