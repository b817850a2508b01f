namespace InvarLock.Numerics;

/// <summary>A bootstrap confidence interval and how it was obtained.</summary>
/// <param name="Lower">Lower bound.</param>
/// <param name="Upper">Upper bound.</param>
/// <param name="Path">How the bounds were computed: <c>bca</c>, <c>percentile</c>, <c>bca_percentile_fallback</c>
/// (the jackknife had no spread), <c>collapsed</c> (all values equal, no random draws) or <c>single_value</c>.</param>
/// <param name="Weighted">True when resampling used token weights.</param>
public sealed record BootstrapInterval(double Lower, double Upper, string Path, bool Weighted)
{
    /// <summary>Path name: BCa interval.</summary>
    public const string PathBca = "bca";
    /// <summary>Path name: percentile interval.</summary>
    public const string PathPercentile = "percentile";
    /// <summary>Path name: BCa requested but the jackknife had no spread, so the percentile interval of the same replicates.</summary>
    public const string PathBcaFallback = "bca_percentile_fallback";
    /// <summary>Path name: every value equal; the interval is the point.</summary>
    public const string PathCollapsed = "collapsed";
    /// <summary>Path name: a single value; the interval is the point.</summary>
    public const string PathSingleValue = "single_value";
}
