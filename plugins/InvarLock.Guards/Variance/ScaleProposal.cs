using InvarLock.Numerics;

namespace InvarLock.Guards.Variance;

/// <summary>Turns per-window mean squares of projection outputs into VE scales (guards.md §5.3, §5.4).</summary>
internal static class ScaleProposal
{
    /// <summary>Robust level of a module's mean-square samples: winsorise to [q.02, q.98] when n ≥ 10, split in order into
    /// chunks of ⌈n/g⌉ (g = 8 when n ≥ 8, else n) and take the lower median of the chunk means; a single group gives the mean.</summary>
    public static double RobustLevel(IReadOnlyList<double> samples)
    {
        int n = samples.Count;
        if (n == 0)
        {
            return double.NaN;
        }
        double[] x = [.. samples];
        if (n >= 10)
        {
            double[] sorted = [.. x];
            Array.Sort(sorted);
            double lo = Quantiles.LinearSorted(sorted, 0.02);
            double hi = Quantiles.LinearSorted(sorted, 0.98);
            for (int i = 0; i < n; i++)
            {
                x[i] = Math.Clamp(x[i], lo, hi);
            }
        }
        int g = n >= 8 ? 8 : n;
        if (g <= 1)
        {
            return x.Average();
        }
        int size = (n + g - 1) / g;
        var means = new List<double>();
        for (int start = 0; start < n; start += size)
        {
            int end = Math.Min(n, start + size);
            double s = 0.0;
            for (int i = start; i < end; i++)
            {
                s += x[i];
            }
            means.Add(s / (end - start));
        }
        means.Sort();
        return means[(means.Count - 1) / 2];
    }

    /// <summary>α = 1/√max(v, 1e-9), clamped to [lo, hi].</summary>
    public static double ScaleFor(double level, double clampLo, double clampHi) =>
        Math.Clamp(1.0 / Math.Sqrt(Math.Max(level, 1e-9)), clampLo, clampHi);

    /// <summary>Raw scales with |α − 1| ≥ <paramref name="tolerance"/>, sorted by module name.</summary>
    public static SortedDictionary<string, double> RawScales(IReadOnlyDictionary<string, List<double>> samples, double tolerance, double clampLo, double clampHi)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, List<double>> kv in samples.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (kv.Value.Count == 0)
            {
                continue;
            }
            double alpha = ScaleFor(RobustLevel(kv.Value), clampLo, clampHi);
            if (double.IsFinite(alpha) && Math.Abs(alpha - 1) >= tolerance)
            {
                result[kv.Key] = alpha;
            }
        }
        return result;
    }

    /// <summary>Filters raw scales: drop |s−1| &lt; min_abs_adjust, step-limit to ±max_scale_step, top-k backstop when nothing
    /// survives, and keep at most max_adjusted_modules (preferring scales ≥ 1, as the reference does).</summary>
    public static (SortedDictionary<string, double> Scales, bool BackstopUsed) Filter(IReadOnlyDictionary<string, double> raw,
        double minAbsAdjust, double maxScaleStep, int topkBackstop, int maxAdjustedModules, double deadband)
    {
        var kept = new SortedDictionary<string, double>(StringComparer.Ordinal);
        string? bestKey = null;
        double bestDelta = -1;
        double Limit(double s)
        {
            double d = Math.Abs(s - 1);
            return maxScaleStep > 0 ? 1 + (Math.Sign(s - 1) * Math.Min(d, maxScaleStep)) : s;
        }
        foreach (KeyValuePair<string, double> kv in raw.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            double delta = Math.Abs(kv.Value - 1);
            if (delta > bestDelta)
            {
                bestDelta = delta;
                bestKey = kv.Key;
            }
            if (delta < minAbsAdjust)
            {
                continue;
            }
            kept[kv.Key] = Limit(kv.Value);
        }
        bool backstop = false;
        if (kept.Count == 0 && topkBackstop > 0 && bestKey is not null)
        {
            double threshold = Math.Max(deadband * 0.5, minAbsAdjust * 0.5);
            if (minAbsAdjust > 0 && threshold >= minAbsAdjust)
            {
                threshold = minAbsAdjust * 0.5;
            }
            if (bestDelta >= threshold)
            {
                kept[bestKey] = Limit(raw[bestKey]);
                backstop = true;
            }
        }
        if (maxAdjustedModules > 0 && kept.Count > maxAdjustedModules)
        {
            var order = kept.Keys
                .Select(k => (Key: k, Delta: Math.Abs(raw[k] - 1), Scale: kept[k]))
                .OrderByDescending(e => e.Delta + (e.Scale >= 1 ? 2.0 : 0.0))
                .ThenByDescending(e => e.Delta)
                .ThenByDescending(e => e.Scale)
                .ThenBy(e => e.Key, StringComparer.Ordinal)
                .Take(maxAdjustedModules)
                .Select(e => e.Key)
                .ToHashSet(StringComparer.Ordinal);
            foreach (string k in kept.Keys.ToList())
            {
                if (!order.Contains(k))
                {
                    kept.Remove(k);
                }
            }
        }
        return (kept, backstop);
    }
}
