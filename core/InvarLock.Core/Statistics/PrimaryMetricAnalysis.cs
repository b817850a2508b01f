using InvarLock.Sdk.Models;

namespace InvarLock.Core.Statistics;

/// <summary>Everything the report says about the primary metric, computed from per-window losses alone, so
/// <c>verify</c> can recompute it from a report: per-arm perplexities, the final-arm ratio, paired Δ, the bootstrap
/// interval, drift and tail evidence.</summary>
public sealed record PrimaryMetricAnalysis
{
    /// <summary>Degenerate reason: no window paired.</summary>
    public const string NoPairs = "no_pairs";
    /// <summary>Degenerate reason: a single pair (the interval is the point).</summary>
    public const string SinglePair = "single_pair";
    /// <summary>Degenerate reason: every Δ equal (the interval is the point).</summary>
    public const string NoVariation = "no_variation";

    public required PerplexitySummary BaselinePreview { get; init; }
    public required PerplexitySummary BaselineFinal { get; init; }
    public required PerplexitySummary SubjectPreview { get; init; }
    public required PerplexitySummary SubjectFinal { get; init; }
    public required WindowPairing PreviewPairing { get; init; }
    public required WindowPairing FinalPairing { get; init; }
    /// <summary>Subject final ppl / baseline final ppl (NaN when either is undefined or the baseline is 0).</summary>
    public required double Ratio { get; init; }
    /// <summary>Per-window Δ on the final arm, in subject order, for matched windows.</summary>
    public required IReadOnlyList<double> Deltas { get; init; }
    /// <summary>Weights (predicted tokens) of <see cref="Deltas"/>.</summary>
    public required IReadOnlyList<double> DeltaWeights { get; init; }
    public required PairedDeltaSummary? Delta { get; init; }
    public required BootstrapSettings Bootstrap { get; init; }
    /// <summary>Interval of the mean Δ in log space (null without pairs or with a non-finite Δ).</summary>
    public required BootstrapInterval? Interval { get; init; }
    /// <summary>Subject final/preview perplexity.</summary>
    public required double SubjectDrift { get; init; }
    /// <summary>Baseline final/preview perplexity.</summary>
    public required double BaselineDrift { get; init; }
    public required TailStatistics Tail { get; init; }
    /// <summary><see cref="NoPairs"/>, <see cref="SinglePair"/>, <see cref="NoVariation"/> or null.</summary>
    public required string? DegenerateReason { get; init; }
    /// <summary>Why the metric is unusable (<c>non_finite_pm</c>, <c>non_finite_delta</c>, <c>no_pairs</c>), or null.</summary>
    public required string? InvalidReason { get; init; }

    /// <summary>exp(interval) — the ratio interval shown to reviewers (null without an interval).</summary>
    public (double Lower, double Upper)? RatioInterval =>
        Interval is null ? null : (DeterministicMath.Exp(Interval.Lower), DeterministicMath.Exp(Interval.Upper));

    /// <summary>Computes the analysis. Pairs are matched by window id; Δᵢ = subject mean loss − baseline mean loss of
    /// window i, weighted by the baseline window's predicted tokens.</summary>
    public static PrimaryMetricAnalysis Compute(ModelArm baselinePreview, ModelArm baselineFinal, ModelArm subjectPreview,
        ModelArm subjectFinal, BootstrapSettings bootstrap, TailPolicy tailPolicy)
    {
        ArgumentNullException.ThrowIfNull(baselinePreview);
        ArgumentNullException.ThrowIfNull(baselineFinal);
        ArgumentNullException.ThrowIfNull(subjectPreview);
        ArgumentNullException.ThrowIfNull(subjectFinal);
        ArgumentNullException.ThrowIfNull(bootstrap);
        ArgumentNullException.ThrowIfNull(tailPolicy);
        RequireAligned(baselinePreview);
        RequireAligned(baselineFinal);
        RequireAligned(subjectPreview);
        RequireAligned(subjectFinal);

        var bp = PerplexitySummary.From(baselinePreview.Losses);
        var bf = PerplexitySummary.From(baselineFinal.Losses);
        var sp = PerplexitySummary.From(subjectPreview.Losses);
        var sf = PerplexitySummary.From(subjectFinal.Losses);
        WindowPairing previewPairing = Pair(baselinePreview, subjectPreview, out _, out _);
        WindowPairing finalPairing = Pair(baselineFinal, subjectFinal, out List<double> deltas, out List<double> weights);

        double ratio = bf.IsFinite && sf.IsFinite && bf.Perplexity > 0 ? sf.Perplexity / bf.Perplexity : double.NaN;
        bool deltasFinite = deltas.TrueForAll(double.IsFinite);
        PairedDeltaSummary? summary = deltas.Count == 0 ? null : Summarize(deltas, weights);
        string? degenerate = deltas.Count switch
        {
            0 => NoPairs,
            1 => SinglePair,
            _ => deltasFinite && NumericKernels.AllCloseToFirst(deltas.ToArray()) ? NoVariation : null,
        };

        BootstrapInterval? interval = null;
        if (deltas.Count > 0 && deltasFinite)
        {
            var subjectMeans = new double[deltas.Count];
            var baselineMeans = new double[deltas.Count];
            PairedMeans(baselineFinal, subjectFinal, subjectMeans, baselineMeans);
            interval = InvarLock.Numerics.Bootstrap.PairedDeltaInterval(subjectMeans, baselineMeans, weights.ToArray(), bootstrap);
        }

        string? invalid = !bf.IsFinite || !sf.IsFinite || !double.IsFinite(ratio) ? "non_finite_pm"
            : deltas.Count == 0 ? NoPairs
            : !deltasFinite ? "non_finite_delta"
            : null;

        return new PrimaryMetricAnalysis
        {
            BaselinePreview = bp,
            BaselineFinal = bf,
            SubjectPreview = sp,
            SubjectFinal = sf,
            PreviewPairing = previewPairing,
            FinalPairing = finalPairing,
            Ratio = ratio,
            Deltas = deltas,
            DeltaWeights = weights,
            Delta = summary,
            Bootstrap = bootstrap,
            Interval = interval,
            SubjectDrift = Drift(sp, sf),
            BaselineDrift = Drift(bp, bf),
            Tail = TailStatistics.Compute(deltas, weights, tailPolicy),
            DegenerateReason = degenerate,
            InvalidReason = invalid,
        };
    }

    private static double Drift(PerplexitySummary preview, PerplexitySummary final) =>
        preview.IsFinite && final.IsFinite && preview.Perplexity > 0 ? final.Perplexity / preview.Perplexity : double.NaN;

    private static void RequireAligned(ModelArm arm)
    {
        if (arm.WindowIds.Count != arm.Losses.Count)
        {
            throw new ArgumentException($"An arm lists {arm.WindowIds.Count} window ids but {arm.Losses.Count} losses.");
        }
    }

    private static WindowPairing Pair(ModelArm baseline, ModelArm subject, out List<double> deltas, out List<double> weights)
    {
        var baselineIndex = new Dictionary<int, int>(baseline.WindowIds.Count);
        var duplicates = new SortedSet<int>();
        for (int i = 0; i < baseline.WindowIds.Count; i++)
        {
            if (!baselineIndex.TryAdd(baseline.WindowIds[i], i))
            {
                duplicates.Add(baseline.WindowIds[i]);
            }
        }

        var seen = new HashSet<int>();
        var unexpected = new List<int>();
        var mismatched = new List<int>();
        deltas = new List<double>(subject.WindowIds.Count);
        weights = new List<double>(subject.WindowIds.Count);
        int matched = 0;
        for (int i = 0; i < subject.WindowIds.Count; i++)
        {
            int id = subject.WindowIds[i];
            if (!seen.Add(id))
            {
                duplicates.Add(id);
                continue;
            }

            if (!baselineIndex.TryGetValue(id, out int j))
            {
                unexpected.Add(id);
                continue;
            }

            WindowLoss b = baseline.Losses[j];
            WindowLoss s = subject.Losses[i];
            if (b.TokenCount != s.TokenCount)
            {
                mismatched.Add(id);
                continue;
            }

            matched++;
            deltas.Add(s.MeanLoss - b.MeanLoss);
            weights.Add(b.TokenCount);
        }

        var missing = new List<int>();
        foreach (int id in baselineIndex.Keys)
        {
            if (!seen.Contains(id))
            {
                missing.Add(id);
            }
        }

        missing.Sort();
        return new WindowPairing(baselineIndex.Count, matched, missing, unexpected, [.. duplicates], mismatched);
    }

    /// <summary>The per-window mean losses of the matched pairs, in the order <see cref="Pair"/> produced the deltas.</summary>
    private static void PairedMeans(ModelArm baseline, ModelArm subject, double[] subjectMeans, double[] baselineMeans)
    {
        var baselineIndex = new Dictionary<int, int>(baseline.WindowIds.Count);
        for (int i = 0; i < baseline.WindowIds.Count; i++)
        {
            baselineIndex.TryAdd(baseline.WindowIds[i], i);
        }

        var seen = new HashSet<int>();
        int k = 0;
        for (int i = 0; i < subject.WindowIds.Count; i++)
        {
            int id = subject.WindowIds[i];
            if (!seen.Add(id) || !baselineIndex.TryGetValue(id, out int j) || baseline.Losses[j].TokenCount != subject.Losses[i].TokenCount)
            {
                continue;
            }

            subjectMeans[k] = subject.Losses[i].MeanLoss;
            baselineMeans[k] = baseline.Losses[j].MeanLoss;
            k++;
        }
    }

    private static PairedDeltaSummary Summarize(List<double> deltas, List<double> weights)
    {
        double[] d = [.. deltas];
        double[] w = [.. weights];
        double mean = NumericKernels.Mean(d);
        double weighted = NumericKernels.WeightedMean(d, w);
        double std = 0.0;
        if (d.Length > 1)
        {
            var squares = new double[d.Length];
            for (int i = 0; i < d.Length; i++)
            {
                double e = d[i] - mean;
                squares[i] = e * e;
            }

            std = Math.Sqrt(NumericKernels.PairwiseSum(squares) / (d.Length - 1));
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in d)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return new PairedDeltaSummary(d.Length, weighted, mean, std, min, max);
    }
}
