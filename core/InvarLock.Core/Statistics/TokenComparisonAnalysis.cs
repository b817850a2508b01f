using InvarLock.Numerics;
using InvarLock.Sdk.Metrics;

namespace InvarLock.Core.Statistics;

/// <summary>KL divergence and top-1 agreement of the subject against the baseline on the final arm, from the per-window
/// comparison: token-weighted means (Σ KL / Σ tokens; Σ agreements / Σ tokens), per-token quantiles (linear, over every
/// prediction), and paired bootstrap intervals of the means (per-window means resampled with probability ∝ tokens, the
/// primary metric's BCa procedure and settings).</summary>
public sealed record TokenComparisonAnalysis(long Tokens, double KlMean, double KlMedian, double KlP95, double KlP99, double KlMax,
    BootstrapInterval? KlInterval, double Top1Agreement, BootstrapInterval? Top1Interval)
{
    /// <summary>Seed offsets from the primary metric's bootstrap seed, so the three intervals draw independent streams.</summary>
    public const long KlSeedOffset = 101, Top1SeedOffset = 202;

    /// <summary>The analysis of <paramref name="windows"/>, or null when no prediction was compared.</summary>
    public static TokenComparisonAnalysis? Compute(IReadOnlyList<TokenComparisonWindow> windows, BootstrapSettings settings)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(settings);
        long tokens = 0;
        double klSum = 0.0;
        long agree = 0;
        var perToken = new List<double>();
        var klMeans = new List<double>(windows.Count);
        var agreeMeans = new List<double>(windows.Count);
        var weights = new List<double>(windows.Count);
        foreach (TokenComparisonWindow w in windows)
        {
            tokens += w.Tokens;
            klSum += w.KlSum;
            agree += w.Top1Agreements;
            perToken.AddRange(w.PerTokenKl);
            if (w.Tokens > 0)
            {
                klMeans.Add(w.KlSum / w.Tokens);
                agreeMeans.Add(w.Top1Agreements / (double)w.Tokens);
                weights.Add(w.Tokens);
            }
        }
        if (tokens == 0 || perToken.Count == 0)
        {
            return null;
        }
        double[] sorted = [.. perToken];
        Array.Sort(sorted);
        var zeros = new double[klMeans.Count];
        return new TokenComparisonAnalysis(tokens, klSum / tokens,
            Quantiles.LinearSorted(sorted, 0.5), Quantiles.LinearSorted(sorted, 0.95), Quantiles.LinearSorted(sorted, 0.99), sorted[^1],
            Interval(klMeans, zeros, weights, settings, KlSeedOffset), agree / (double)tokens,
            Interval(agreeMeans, zeros, weights, settings, Top1SeedOffset));
    }

    private static BootstrapInterval? Interval(List<double> values, double[] zeros, List<double> weights, BootstrapSettings settings, long offset)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return null;
            }
        }
        return Bootstrap.PairedDeltaInterval([.. values], zeros, [.. weights], settings with { Seed = settings.Seed + offset });
    }
}
