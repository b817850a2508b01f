namespace Contoso.NormMath;

/// <summary>Matrix norms over float32 buffers (version 2).</summary>
public static class Norms
{
    /// <summary>Names this build of the library; version 1 has no such member.</summary>
    public static string Marker => "Contoso.NormMath 2";

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

    /// <summary>(subject − baseline) / |baseline|, with the baseline floored at <paramref name="floor"/>. Breaking
    /// change from version 1, which returned the absolute value: a shrinking norm now gives a negative drift.</summary>
    public static double RelativeDrift(double baseline, double subject, double floor = 1e-12) =>
        (subject - baseline) / Math.Max(Math.Abs(baseline), floor);
}
