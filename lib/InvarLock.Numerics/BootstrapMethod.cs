namespace InvarLock.Numerics;

/// <summary>How a bootstrap turns its replicates into an interval.</summary>
public enum BootstrapMethod
{
    /// <summary>Plain percentile interval of the replicate statistics.</summary>
    Percentile,
    /// <summary>Bias-corrected and accelerated interval (Efron 1987) with a jackknife acceleration.</summary>
    Bca,
}
