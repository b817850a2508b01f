namespace InvarLock.Core.Reporting.Html;

/// <summary>Equal-width histogram of the per-window Δ log-loss. The bins span [<see cref="Lower"/>, <see cref="Upper"/>];
/// bin <c>i</c> holds values in [Lower + i·w, Lower + (i+1)·w), the last bin also holds <see cref="Upper"/>.
/// When every value is equal there is one bin of width zero.</summary>
/// <param name="Lower">Smallest finite value (left edge).</param>
/// <param name="Upper">Largest finite value (right edge).</param>
/// <param name="Counts">Windows per bin.</param>
/// <param name="Missing">Windows without a finite Δ (missing or non-finite loss), not drawn.</param>
internal sealed record DeltaHistogram(double Lower, double Upper, IReadOnlyList<int> Counts, int Missing)
{
    /// <summary>Most bins drawn, whatever the window count.</summary>
    public const int MaxBins = 40;

    /// <summary>Width of one bin (0 with a single degenerate bin or no bins).</summary>
    public double BinWidth => Counts.Count == 0 ? 0 : (Upper - Lower) / Counts.Count;

    /// <summary>Windows drawn (Σ counts).</summary>
    public int Total => Counts.Sum();

    /// <summary>Bins the finite values; <paramref name="bins"/> defaults to ⌈√n⌉ clamped to [1, <see cref="MaxBins"/>].</summary>
    public static DeltaHistogram Build(IReadOnlyList<double?> values, int? bins = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        double lower = double.PositiveInfinity, upper = double.NegativeInfinity;
        int finite = 0, missing = 0;
        foreach (double? v in values)
        {
            if (v is double d && double.IsFinite(d))
            {
                finite++;
                lower = Math.Min(lower, d);
                upper = Math.Max(upper, d);
            }
            else
            {
                missing++;
            }
        }

        if (finite == 0)
        {
            return new DeltaHistogram(0, 0, [], missing);
        }

        int k = lower == upper ? 1 : Math.Clamp(bins ?? (int)Math.Ceiling(Math.Sqrt(finite)), 1, MaxBins);
        var counts = new int[k];
        double width = (upper - lower) / k;
        foreach (double? v in values)
        {
            if (v is double d && double.IsFinite(d))
            {
                int i = width > 0 ? (int)Math.Floor((d - lower) / width) : 0;
                counts[Math.Clamp(i, 0, k - 1)]++;
            }
        }

        return new DeltaHistogram(lower, upper, counts, missing);
    }
}
