namespace InvarLock.Numerics;

/// <summary>The project's one quantile definition: numpy's default "linear" method (Hyndman–Fan type 7), the value at
/// position q·(n − 1) of the sorted sample, interpolated between its two neighbours with numpy's two-sided formula
/// (a + (b − a)·t for t &lt; ½, b − (b − a)·(1 − t) otherwise), so results match numpy bit for bit.</summary>
public static class Quantiles
{
    /// <summary>The q-quantile of ascending-sorted values; q is clamped to [0, 1]; NaN when empty.</summary>
    public static double LinearSorted(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        (int lo, int hi, double t) = Position(sorted.Length, q);
        return Interpolate(sorted[lo], sorted[hi], t);
    }

    /// <summary>The q-quantile of ascending-sorted float values, interpolated in double precision.</summary>
    public static double LinearSorted(ReadOnlySpan<float> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        (int lo, int hi, double t) = Position(sorted.Length, q);
        return Interpolate(sorted[lo], sorted[hi], t);
    }

    /// <summary>The q-quantile of unsorted values (copies and sorts them first).</summary>
    public static double Linear(IEnumerable<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return LinearSorted(sorted, q);
    }

    private static (int Lo, int Hi, double T) Position(int n, double q)
    {
        double v = Math.Clamp(q, 0.0, 1.0) * (n - 1);
        int lo = (int)Math.Floor(v);
        int hi = Math.Min(lo + 1, n - 1);
        return (lo, hi, v - lo);
    }

    private static double Interpolate(double a, double b, double t)
    {
        double diff = b - a;
        return t < 0.5 ? a + diff * t : b - diff * (1.0 - t);
    }
}
