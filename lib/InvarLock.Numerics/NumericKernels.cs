namespace InvarLock.Numerics;

/// <summary>Summation kernels with a fixed evaluation order (numpy's), so results are reproducible and comparable with
/// numpy bit for bit. Quantiles live in <see cref="Quantiles"/>.</summary>
public static class NumericKernels
{
    private const int BlockSize = 128;

    /// <summary>numpy's pairwise sum: sequential below 8 elements; eight interleaved accumulators up to 128; otherwise
    /// split at n/2 rounded down to a multiple of 8 and recurse.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n < 8)
        {
            double res = 0.0;
            for (int i = 0; i < n; i++)
            {
                res += values[i];
            }

            return res;
        }

        if (n <= BlockSize)
        {
            double r0 = values[0], r1 = values[1], r2 = values[2], r3 = values[3];
            double r4 = values[4], r5 = values[5], r6 = values[6], r7 = values[7];
            int i = 8;
            int end = n - (n % 8);
            for (; i < end; i += 8)
            {
                r0 += values[i];
                r1 += values[i + 1];
                r2 += values[i + 2];
                r3 += values[i + 3];
                r4 += values[i + 4];
                r5 += values[i + 5];
                r6 += values[i + 6];
                r7 += values[i + 7];
            }

            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += values[i];
            }

            return res;
        }

        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(values[..half]) + PairwiseSum(values[half..]);
    }

    /// <summary>numpy's mean: pairwise sum divided by the count (NaN when empty).</summary>
    public static double Mean(ReadOnlySpan<double> values) =>
        values.IsEmpty ? double.NaN : PairwiseSum(values) / values.Length;

    /// <summary>Σwᵢxᵢ / Σwᵢ with both sums taken by <see cref="PairwiseSum"/> (numpy's <c>average(x, weights=w)</c>).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double WeightedMean(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
    {
        if (x.Length != w.Length)
        {
            throw new ArgumentException("Values and weights must have the same length.", nameof(w));
        }

        var products = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            products[i] = w[i] * x[i];
        }

        return PairwiseSum(products) / PairwiseSum(w);
    }

    /// <summary>numpy's <c>allclose(values, values[0])</c> with rtol 1e-5 and atol 1e-8: every |x − x₀| ≤ 1e-8 + 1e-5·|x₀|.</summary>
    public static bool AllCloseToFirst(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return true;
        }

        double first = values[0];
        double tolerance = 1e-8 + 1e-5 * Math.Abs(first);
        foreach (double v in values)
        {
            if (!(Math.Abs(v - first) <= tolerance))
            {
                return false;
            }
        }

        return true;
    }
}
