namespace InvarLock.Guards.Numerics;

/// <summary>Quantiles with linear interpolation at position q·(n−1) (NumPy's default).</summary>
internal static class Quantiles
{
    /// <summary>The q-quantile of an ascending-sorted list; NaN when empty.</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        int n = sorted.Count;
        if (n == 0)
        {
            return double.NaN;
        }
        if (n == 1)
        {
            return sorted[0];
        }
        double pos = Math.Clamp(q, 0.0, 1.0) * (n - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, n - 1);
        double frac = pos - lo;
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * frac);
    }

    /// <summary>The q-quantile of unsorted values (copies and sorts).</summary>
    public static double Of(IEnumerable<double> values, double q)
    {
        var list = new List<double>(values);
        list.Sort();
        return OfSorted(list, q);
    }
}
