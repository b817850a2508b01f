namespace InvarLock.Guards.Numerics;

/// <summary>Bootstrap confidence intervals used by the variance guard's A/B pass (guards.md §5.6).</summary>
/// <remarks>Resampling draws from <see cref="SplitMix64"/>, so intervals reproduce bit-for-bit on every platform; they do not
/// reproduce NumPy's PCG64 streams (the reference), only its method.</remarks>
internal static class BootstrapIntervals
{
    /// <summary>Percentile bootstrap interval of the mean: the α/2 and 1−α/2 quantiles of <paramref name="replicates"/> resampled means.</summary>
    public static (double Lo, double Hi)? PercentileOfMean(IReadOnlyList<double> values, int replicates, double alpha, ulong seed)
    {
        int n = values.Count;
        if (n == 0 || replicates < 1)
        {
            return null;
        }
        var rng = new SplitMix64(seed);
        double[] stats = new double[replicates];
        for (int b = 0; b < replicates; b++)
        {
            double s = 0.0;
            for (int i = 0; i < n; i++)
            {
                s += values[rng.NextInt(n)];
            }
            stats[b] = s / n;
        }
        Array.Sort(stats);
        return (Quantiles.OfSorted(stats, alpha / 2), Quantiles.OfSorted(stats, 1 - (alpha / 2)));
    }

    /// <summary>BCa interval of the (optionally token-weighted) mean of Δᵢ = subjectᵢ − referenceᵢ.</summary>
    /// <returns>Null when the inputs are empty or not finite; (mean, mean) when every Δ is (nearly) equal or n &lt; 2.</returns>
    public static (double Lo, double Hi)? PairedDeltaBca(IReadOnlyList<double> subject, IReadOnlyList<double> reference,
        IReadOnlyList<double>? weights, int replicates, double alpha, ulong seed)
    {
        int n = Math.Min(subject.Count, reference.Count);
        if (n == 0 || replicates < 1 || !(alpha > 0 && alpha < 1))
        {
            return null;
        }
        double[] delta = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(subject[i]) || !double.IsFinite(reference[i]))
            {
                return null;
            }
            delta[i] = subject[i] - reference[i];
        }
        double[]? w = UsableWeights(weights, n);
        double theta = Mean(delta, w);
        if (n < 2 || AllClose(delta))
        {
            return (theta, theta);
        }

        var rng = new SplitMix64(seed);
        double[] cumulative = w is null ? [] : Cumulative(w);
        double[] stats = new double[replicates];
        for (int b = 0; b < replicates; b++)
        {
            double s = 0.0;
            for (int i = 0; i < n; i++)
            {
                int k = w is null ? rng.NextInt(n) : Draw(cumulative, rng.NextDouble());
                s += delta[k];
            }
            stats[b] = s / n;
        }
        Array.Sort(stats);

        int below = 0;
        foreach (double s in stats)
        {
            if (s < theta)
            {
                below++;
            }
        }
        double z0 = NormalDistribution.InverseCdf(Math.Clamp((double)below / replicates, 1e-6, 1 - 1e-6));

        // Jackknife (leave-one-out, weighted when weights are in use) for the acceleration.
        double[] jack = new double[n];
        double totalW = 0.0;
        double totalWD = 0.0;
        for (int i = 0; i < n; i++)
        {
            double wi = w?[i] ?? 1.0;
            totalW += wi;
            totalWD += wi * delta[i];
        }
        for (int i = 0; i < n; i++)
        {
            double wi = w?[i] ?? 1.0;
            double rest = totalW - wi;
            jack[i] = rest > 0 ? (totalWD - (wi * delta[i])) / rest : theta;
        }
        double jackMean = 0.0;
        foreach (double j in jack)
        {
            jackMean += j;
        }
        jackMean /= n;
        double num = 0.0;
        double den = 0.0;
        foreach (double j in jack)
        {
            double d = jackMean - j;
            num += d * d * d;
            den += d * d;
        }
        double qLo = alpha / 2;
        double qHi = 1 - (alpha / 2);
        if (den <= 0 || !double.IsFinite(den))
        {
            return (Quantiles.OfSorted(stats, qLo), Quantiles.OfSorted(stats, qHi));
        }
        double a = num / (6.0 * Math.Pow(den, 1.5));
        double Adjust(double z)
        {
            double t = z0 + z;
            return NormalDistribution.Cdf(z0 + (t / Math.Max(1 - (a * t), 1e-12)));
        }
        double lo = Quantiles.OfSorted(stats, Adjust(NormalDistribution.InverseCdf(qLo)));
        double hi = Quantiles.OfSorted(stats, Adjust(NormalDistribution.InverseCdf(qHi)));
        return (lo, hi);
    }

    private static double[]? UsableWeights(IReadOnlyList<double>? weights, int n)
    {
        if (weights is null || weights.Count < n)
        {
            return null;
        }
        double[] w = new double[n];
        double sum = 0.0;
        bool allEqual = true;
        for (int i = 0; i < n; i++)
        {
            w[i] = weights[i];
            if (!double.IsFinite(w[i]) || w[i] < 0)
            {
                return null;
            }
            sum += w[i];
            allEqual &= w[i] == w[0];
        }
        return sum > 0 && !allEqual ? w : null;
    }

    private static double Mean(double[] x, double[]? w)
    {
        double s = 0.0;
        double ws = 0.0;
        for (int i = 0; i < x.Length; i++)
        {
            double wi = w?[i] ?? 1.0;
            s += wi * x[i];
            ws += wi;
        }
        return ws > 0 ? s / ws : double.NaN;
    }

    private static bool AllClose(double[] x)
    {
        foreach (double v in x)
        {
            if (Math.Abs(v - x[0]) > 1e-8 + (1e-5 * Math.Abs(x[0])))
            {
                return false;
            }
        }
        return true;
    }

    private static double[] Cumulative(double[] w)
    {
        double[] c = new double[w.Length];
        double s = 0.0;
        for (int i = 0; i < w.Length; i++)
        {
            s += w[i];
            c[i] = s;
        }
        for (int i = 0; i < c.Length; i++)
        {
            c[i] /= s;
        }
        return c;
    }

    private static int Draw(double[] cumulative, double u)
    {
        int idx = Array.BinarySearch(cumulative, u);
        idx = idx < 0 ? ~idx : idx + 1;
        return Math.Min(idx, cumulative.Length - 1);
    }
}
