using System.Text;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Reporting.Html;

/// <summary>The page's inline SVG drawings: the Δ histogram, the ratio interval against its limit, and the guard chain.
/// Plain shapes and text only (no scripts, no external references); every label is escaped.</summary>
internal static class SvgCharts
{
    private const double Width = 640, Height = 220, Left = 56, Right = 16, Top = 16, Bottom = 40;

    /// <summary>The histogram of per-window Δ log-loss with the bin edges, the largest count and a marker at Δ = 0.</summary>
    public static string Histogram(DeltaHistogram histogram) => Histogram(histogram, "delta-histogram",
        $"Per-window Δ log-loss, final arm: {histogram.Total} windows in {histogram.Counts.Count} bins",
        "Δ log-loss per window (nats/token, subject − baseline)", "window(s)", "no finite per-window Δ");

    /// <summary>A histogram chart: <paramref name="id"/> names the svg (and its title), <paramref name="axis"/> the x axis,
    /// <paramref name="unit"/> what a bar counts, <paramref name="empty"/> what an empty chart says.</summary>
    public static string Histogram(DeltaHistogram histogram, string id, string title, string axis, string unit, string empty)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var sb = new StringBuilder();
        sb.Append($"<svg id=\"{id}-svg\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {C(Width)} {C(Height)}\" role=\"img\" aria-labelledby=\"{id}-title\">");
        sb.Append($"<title id=\"{id}-title\">{HtmlText.Escape(title)}</title>");
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom, baseY = Top + plotH;
        sb.Append($"<line class=\"axis\" x1=\"{C(Left)}\" y1=\"{C(baseY)}\" x2=\"{C(Width - Right)}\" y2=\"{C(baseY)}\"/>");
        sb.Append($"<line class=\"axis\" x1=\"{C(Left)}\" y1=\"{C(Top)}\" x2=\"{C(Left)}\" y2=\"{C(baseY)}\"/>");
        if (histogram.Counts.Count == 0)
        {
            sb.Append($"<text class=\"label\" x=\"{C(Left + plotW / 2)}\" y=\"{C(Top + plotH / 2)}\" text-anchor=\"middle\">{HtmlText.Escape(empty)}</text></svg>");
            return sb.ToString();
        }

        int max = Math.Max(1, histogram.Counts.Max());
        double barW = plotW / histogram.Counts.Count;
        for (int i = 0; i < histogram.Counts.Count; i++)
        {
            int count = histogram.Counts[i];
            double h = plotH * count / max;
            double lo = histogram.Lower + i * histogram.BinWidth, hi = i == histogram.Counts.Count - 1 ? histogram.Upper : lo + histogram.BinWidth;
            sb.Append($"<rect class=\"bar\" x=\"{C(Left + i * barW + 0.5)}\" y=\"{C(baseY - h)}\" width=\"{C(Math.Max(0.5, barW - 1))}\" height=\"{C(h)}\">");
            sb.Append($"<title>[{HtmlText.Number(lo)}, {HtmlText.Number(hi)}]: {count} {unit}</title></rect>");
        }

        if (histogram.Lower < 0 && histogram.Upper > 0)
        {
            double x0 = Left + plotW * (0 - histogram.Lower) / (histogram.Upper - histogram.Lower);
            sb.Append($"<line class=\"zero\" x1=\"{C(x0)}\" y1=\"{C(Top)}\" x2=\"{C(x0)}\" y2=\"{C(baseY)}\"/>");
            sb.Append($"<text class=\"label\" x=\"{C(x0)}\" y=\"{C(Top - 4 + 12)}\" text-anchor=\"middle\">0</text>");
        }

        sb.Append($"<text class=\"label\" x=\"{C(Left)}\" y=\"{C(baseY + 16)}\" text-anchor=\"start\">{HtmlText.Number(histogram.Lower)}</text>");
        sb.Append($"<text class=\"label\" x=\"{C(Width - Right)}\" y=\"{C(baseY + 16)}\" text-anchor=\"end\">{HtmlText.Number(histogram.Upper)}</text>");
        sb.Append($"<text class=\"label\" x=\"{C(Left + plotW / 2)}\" y=\"{C(baseY + 34)}\" text-anchor=\"middle\">{HtmlText.Escape(axis)}</text>");
        sb.Append($"<text class=\"label\" x=\"{C(Left - 6)}\" y=\"{C(Top + 10)}\" text-anchor=\"end\">{max}</text>");
        sb.Append($"<text class=\"label\" x=\"{C(Left - 6)}\" y=\"{C(baseY)}\" text-anchor=\"end\">0</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The ratio's point estimate and interval on a line with 1.0 and the gate limit marked; empty when there is no
    /// finite ratio.</summary>
    public static string RatioInterval(double? ratio, IntervalSection? interval, double limit)
    {
        if (ratio is not double r || !double.IsFinite(r))
        {
            return string.Empty;
        }

        double lo = Math.Min(Math.Min(r, 1.0), interval?.Lower ?? r), hi = Math.Max(Math.Max(r, limit), interval?.Upper ?? r);
        double pad = Math.Max((hi - lo) * 0.1, 1e-3);
        lo -= pad;
        hi += pad;
        const double w = 640, h = 70, left = 20, right = 20, y = 34;
        double X(double v) => left + (w - left - right) * (v - lo) / (hi - lo);
        var sb = new StringBuilder();
        sb.Append($"<svg id=\"ratio-svg\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {C(w)} {C(h)}\" role=\"img\" aria-labelledby=\"ratio-svg-title\">");
        sb.Append($"<title id=\"ratio-svg-title\">Perplexity ratio {HtmlText.Number(r)}");
        if (interval is not null)
        {
            sb.Append($", interval [{HtmlText.Number(interval.Lower)}, {HtmlText.Number(interval.Upper)}]");
        }

        sb.Append($", limit {HtmlText.Number(limit)}</title>");
        sb.Append($"<line class=\"axis\" x1=\"{C(left)}\" y1=\"{C(y)}\" x2=\"{C(w - right)}\" y2=\"{C(y)}\"/>");
        sb.Append($"<line class=\"one\" x1=\"{C(X(1.0))}\" y1=\"{C(y - 14)}\" x2=\"{C(X(1.0))}\" y2=\"{C(y + 14)}\"/>");
        sb.Append($"<text class=\"label\" x=\"{C(X(1.0))}\" y=\"{C(y + 30)}\" text-anchor=\"middle\">1</text>");
        sb.Append($"<line class=\"limit\" x1=\"{C(X(limit))}\" y1=\"{C(y - 18)}\" x2=\"{C(X(limit))}\" y2=\"{C(y + 18)}\"/>");
        sb.Append($"<text class=\"label\" x=\"{C(X(limit))}\" y=\"{C(y + 30)}\" text-anchor=\"middle\">limit {HtmlText.Number(limit, 4)}</text>");
        if (interval is not null && double.IsFinite(interval.Lower) && double.IsFinite(interval.Upper))
        {
            sb.Append($"<rect class=\"interval\" x=\"{C(X(interval.Lower))}\" y=\"{C(y - 6)}\" width=\"{C(Math.Max(1, X(interval.Upper) - X(interval.Lower)))}\" height=\"12\"/>");
        }

        sb.Append($"<circle class=\"point\" cx=\"{C(X(r))}\" cy=\"{C(y)}\" r=\"5\"/>");
        sb.Append($"<text class=\"label value\" x=\"{C(X(r))}\" y=\"{C(y - 12)}\" text-anchor=\"middle\">ratio {HtmlText.Number(r, 4)}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The guard chain in order, one box per guard record, coloured by outcome, with its action.</summary>
    public static string GuardChain(IReadOnlyList<GuardSection> guards)
    {
        ArgumentNullException.ThrowIfNull(guards);
        const double box = 118, gap = 14, h = 64;
        double w = Math.Max(box, guards.Count * (box + gap) - gap) + 4;
        var sb = new StringBuilder();
        sb.Append($"<svg id=\"guard-chain-svg\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {C(w)} {C(h + 4)}\" role=\"img\" aria-labelledby=\"guard-chain-title\">");
        sb.Append($"<title id=\"guard-chain-title\">Guard chain: {guards.Count} guard record(s)</title>");
        for (int i = 0; i < guards.Count; i++)
        {
            GuardSection g = guards[i];
            double x = 2 + i * (box + gap);
            string cls = g.Passed && g.Error is null ? (g.Action == "warn" ? "warn" : "pass") : "fail";
            sb.Append($"<rect class=\"guard {cls}\" x=\"{C(x)}\" y=\"2\" width=\"{C(box)}\" height=\"{C(h)}\" rx=\"6\">");
            sb.Append($"<title>{HtmlText.Escape(g.Name)}: {(g.Passed ? "passed" : "failed")}, action {HtmlText.Escape(g.Action)}, {g.Violations.Count} finding(s)</title></rect>");
            sb.Append($"<text class=\"guard-name\" x=\"{C(x + box / 2)}\" y=\"24\" text-anchor=\"middle\">{HtmlText.Escape(Truncate(g.Name, 16))}</text>");
            sb.Append($"<text class=\"guard-state\" x=\"{C(x + box / 2)}\" y=\"44\" text-anchor=\"middle\">{(g.Passed && g.Error is null ? "PASS" : "FAIL")} · {HtmlText.Escape(Truncate(g.Action, 10))}</text>");
            if (i < guards.Count - 1)
            {
                sb.Append($"<line class=\"axis\" x1=\"{C(x + box)}\" y1=\"{C(2 + h / 2)}\" x2=\"{C(x + box + gap)}\" y2=\"{C(2 + h / 2)}\"/>");
            }
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string C(double v) => HtmlText.Coordinate(v);
}
