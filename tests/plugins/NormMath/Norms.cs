namespace Contoso.NormMath;

/// <summary>Matrix norms over float32 buffers.</summary>
public static class Norms
{
    /// <summary>The Frobenius norm (square root of the sum of squares), accumulated in double precision.</summary>
    public static double Frobenius(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += (double)v * v;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>|subject − baseline| / baseline, with the baseline floored at <paramref name="floor"/>.</summary>
    public static double RelativeDrift(double baseline, double subject, double floor = 1e-12) =>
        Math.Abs(subject - baseline) / Math.Max(Math.Abs(baseline), floor);
}
