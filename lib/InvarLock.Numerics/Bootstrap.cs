namespace InvarLock.Numerics;

/// <summary>Bootstrap confidence intervals for a mean and for a paired mean difference, following the reference
/// algorithm (evaluation.md §4.2) with the project's <see cref="Pcg64Random"/> stream.</summary>
/// <remarks>
/// <para>Unweighted replicates draw indices with <see cref="Pcg64Random.NextInt"/>; weighted replicates draw
/// indices with probability wᵢ/Σw by inverting the cumulative distribution with <see cref="Pcg64Random.NextDouble"/>.
/// In both cases the replicate statistic is the plain mean of the resampled values (weights enter only through
/// the resampling probabilities).</para>
/// <para>BCa: θ̂ is the (weighted) mean; z₀ = Φ⁻¹(clip(#(θ* &lt; θ̂)/R, 1e-6, 1 − 1e-6)); the acceleration comes from
/// the leave-one-out jackknife, a = Σ(θ̄ − θ₍ᵢ₎)³ / (6·(Σ(θ̄ − θ₍ᵢ₎)²)^1.5); each bound is the linear quantile of the
/// sorted replicates at Φ(z₀ + (z₀ + z_α)/max(1 − a(z₀ + z_α), 1e-12)). A jackknife without spread falls back to the
/// percentile interval of the same replicates.</para>
/// </remarks>
public static class Bootstrap
{
    /// <summary>Interval for the mean of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The sample is empty or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The settings are out of range.</exception>
    public static BootstrapInterval MeanInterval(ReadOnlySpan<double> values, BootstrapSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequireFiniteSample(values, nameof(values));
        settings.Validate();
        return Resample(values.ToArray(), null, settings);
    }

    /// <summary>Interval for the (weighted) mean of δᵢ = subjectᵢ − baselineᵢ. Both lists are truncated to their common
    /// length. Weights are used when there is one finite, non-negative weight per pair, they sum to more than 0, and
    /// they are not all equal (within numpy's allclose); otherwise the unweighted path runs. Equal deltas give the
    /// collapsed interval [mean δ, mean δ] without any random draw.</summary>
    /// <exception cref="ArgumentException">A list is empty or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The settings are out of range.</exception>
    public static BootstrapInterval PairedDeltaInterval(ReadOnlySpan<double> subject, ReadOnlySpan<double> baseline,
        ReadOnlySpan<double> weights, BootstrapSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequireFiniteSample(subject, nameof(subject));
        RequireFiniteSample(baseline, nameof(baseline));
        settings.Validate();
        int n = Math.Min(subject.Length, baseline.Length);
        var delta = new double[n];
        for (int i = 0; i < n; i++)
        {
            delta[i] = subject[i] - baseline[i];
        }

        double[]? w = UsableWeights(weights, n);
        if (NumericKernels.AllCloseToFirst(delta))
        {
            double mean = NumericKernels.Mean(delta);
            return new BootstrapInterval(mean, mean, n == 1 ? BootstrapInterval.PathSingleValue : BootstrapInterval.PathCollapsed,
                Weighted: false);
        }

        return Resample(delta, w, settings);
    }

    /// <summary>The weights the paired interval would use for <paramref name="n"/> pairs, or null for the unweighted path.</summary>
    public static double[]? UsableWeights(ReadOnlySpan<double> weights, int n)
    {
        if (weights.Length != n || n == 0)
        {
            return null;
        }

        foreach (double w in weights)
        {
            if (!double.IsFinite(w) || w < 0)
            {
                return null;
            }
        }

        if (!(NumericKernels.PairwiseSum(weights) > 0) || NumericKernels.AllCloseToFirst(weights))
        {
            return null;
        }

        return weights.ToArray();
    }

    private static void RequireFiniteSample(ReadOnlySpan<double> values, string name)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The bootstrap needs a non-empty sample.", name);
        }

        if (!FiniteCheck.AllFinite(values))
        {
            throw new ArgumentException("The bootstrap sample holds a non-finite value.", name);
        }
    }

    private static BootstrapInterval Resample(double[] x, double[]? weights, BootstrapSettings settings)
    {
        int n = x.Length;
        bool weighted = weights is not null;
        double pointEstimate = weighted ? NumericKernels.WeightedMean(x, weights!) : NumericKernels.Mean(x);
        if (settings.Method == BootstrapMethod.Bca && n < 2)
        {
            return new BootstrapInterval(pointEstimate, pointEstimate, BootstrapInterval.PathSingleValue, weighted);
        }

        double[] stats = Replicates(x, weights, settings.Replicates, settings.Seed);
        Array.Sort(stats);
        double alpha = settings.Alpha;
        if (settings.Method == BootstrapMethod.Percentile)
        {
            (double lo, double hi) = PercentileBounds(stats, alpha);
            return new BootstrapInterval(lo, hi, BootstrapInterval.PathPercentile, weighted);
        }

        double acceleration = JackknifeAcceleration(x, weights, out bool spread);
        if (!spread)
        {
            (double lo, double hi) = PercentileBounds(stats, alpha);
            return new BootstrapInterval(lo, hi, BootstrapInterval.PathBcaFallback, weighted);
        }

        int below = 0;
        foreach (double s in stats)
        {
            if (s < pointEstimate)
            {
                below++;
            }
        }

        double proportion = Math.Clamp((double)below / stats.Length, 1e-6, 1.0 - 1e-6);
        double z0 = NormalDistribution.Quantile(proportion);
        double lower = BcaBound(stats, z0, acceleration, NormalDistribution.Quantile(alpha / 2.0));
        double upper = BcaBound(stats, z0, acceleration, NormalDistribution.Quantile(1.0 - alpha / 2.0));
        return new BootstrapInterval(lower, upper, BootstrapInterval.PathBca, weighted);
    }

    /// <summary>The replicate statistics (unsorted): the plain mean of each resample.</summary>
    internal static double[] Replicates(double[] x, double[]? weights, int replicates, long seed)
    {
        int n = x.Length;
        var rng = new Pcg64Random(seed);
        var stats = new double[replicates];
        var sample = new double[n];
        double[]? cdf = weights is null ? null : CumulativeDistribution(weights);
        for (int r = 0; r < replicates; r++)
        {
            if (cdf is null)
            {
                for (int i = 0; i < n; i++)
                {
                    sample[i] = x[rng.NextInt(n)];
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    sample[i] = x[SearchSortedRight(cdf, rng.NextDouble())];
                }
            }

            stats[r] = NumericKernels.Mean(sample);
        }

        return stats;
    }

    /// <summary>cdf = cumsum(w/Σw) / last, as numpy's <c>choice(n, p=w/Σw)</c> builds it.</summary>
    private static double[] CumulativeDistribution(double[] weights)
    {
        double total = NumericKernels.PairwiseSum(weights);
        var cdf = new double[weights.Length];
        double running = 0.0;
        for (int i = 0; i < weights.Length; i++)
        {
            running += weights[i] / total;
            cdf[i] = running;
        }

        double last = cdf[^1];
        for (int i = 0; i < cdf.Length; i++)
        {
            cdf[i] /= last;
        }

        return cdf;
    }

    /// <summary>The first index whose cdf value is greater than <paramref name="u"/> (numpy searchsorted, side right).</summary>
    private static int SearchSortedRight(double[] cdf, double u)
    {
        int lo = 0, hi = cdf.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] <= u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Min(lo, cdf.Length - 1);
    }

    /// <summary>Percentile bounds at 100·α/2 and 100·(1 − α/2) percent, as numpy's percentile computes the fractions.</summary>
    internal static (double Lower, double Upper) PercentileBounds(ReadOnlySpan<double> sorted, double alpha)
    {
        double qLo = 100.0 * (alpha / 2.0) / 100.0;
        double qHi = 100.0 * (1.0 - alpha / 2.0) / 100.0;
        return (Quantiles.LinearSorted(sorted, qLo), Quantiles.LinearSorted(sorted, qHi));
    }

    private static double BcaBound(ReadOnlySpan<double> sorted, double z0, double acceleration, double zAlpha)
    {
        double shifted = z0 + zAlpha;
        double pct = NormalDistribution.Cdf(z0 + shifted / Math.Max(1.0 - acceleration * shifted, 1e-12));
        return Quantiles.LinearSorted(sorted, pct);
    }

    /// <summary>The jackknife acceleration; <paramref name="spread"/> is false when every leave-one-out value is equal
    /// (the denominator is 0).</summary>
    internal static double JackknifeAcceleration(double[] x, double[]? w, out bool spread)
    {
        int n = x.Length;
        var jack = new double[n];
        if (w is null)
        {
            double total = NumericKernels.PairwiseSum(x);
            for (int i = 0; i < n; i++)
            {
                jack[i] = (total - x[i]) / (n - 1);
            }
        }
        else
        {
            var products = new double[n];
            for (int i = 0; i < n; i++)
            {
                products[i] = w[i] * x[i];
            }

            double swx = NumericKernels.PairwiseSum(products);
            double sw = NumericKernels.PairwiseSum(w);
            double theta = swx / sw;
            for (int i = 0; i < n; i++)
            {
                double den = sw - w[i];
                jack[i] = den > 0 ? (swx - products[i]) / den : theta;
            }
        }

        double jackMean = NumericKernels.Mean(jack);
        var squares = new double[n];
        var cubes = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = jackMean - jack[i];
            squares[i] = d * d;
            cubes[i] = d * d * d;
        }

        double s2 = NumericKernels.PairwiseSum(squares);
        double denominator = 6.0 * (s2 * Math.Sqrt(s2));
        spread = denominator != 0.0;
        return spread ? NumericKernels.PairwiseSum(cubes) / denominator : 0.0;
    }
}
