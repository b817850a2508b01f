namespace InvarLock.Core.Statistics;

/// <summary>Summary of the paired per-window Δ = subject − baseline mean log-loss on the final arm.</summary>
/// <param name="Count">Pairs.</param>
/// <param name="WeightedMean">Σ wᵢΔᵢ / Σ wᵢ with wᵢ the window's predicted tokens (ln of the token-weighted ratio).</param>
/// <param name="Mean">Unweighted mean Δ.</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1), 0 below two pairs.</param>
/// <param name="Min">Smallest Δ.</param>
/// <param name="Max">Largest Δ.</param>
public sealed record PairedDeltaSummary(int Count, double WeightedMean, double Mean, double StandardDeviation, double Min, double Max);
