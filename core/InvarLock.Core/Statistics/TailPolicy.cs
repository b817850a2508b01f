namespace InvarLock.Core.Statistics;

/// <summary>The primary-metric tail gate's policy (resolved policy <c>metrics.pm_tail</c>).</summary>
/// <param name="Mode"><c>off</c>, <c>warn</c> or <c>fail</c>; only <c>fail</c> can fail the gate.</param>
/// <param name="MinWindows">Fewest paired windows for the gate to be evaluated (at least 1).</param>
/// <param name="Quantile">The policy quantile of Δ, in [0, 1].</param>
/// <param name="QuantileMax">Largest allowed Δ at <paramref name="Quantile"/>, or null for no limit.</param>
/// <param name="Epsilon">Δ above this counts toward the tail mass (≥ 0).</param>
/// <param name="MassMax">Largest allowed fraction of windows with Δ &gt; ε, or null for no limit.</param>
public sealed record TailPolicy(string Mode, int MinWindows, double Quantile, double? QuantileMax, double Epsilon, double? MassMax)
{
    /// <summary>The tier default (balanced).</summary>
    public static TailPolicy Default { get; } = new("warn", 50, 0.95, 0.20, 1e-4, 1.0);

    /// <summary>The policy with the reference's sanitising: unknown mode → warn, min windows ≥ 1, quantile clamped to
    /// [0, 1], negative epsilon → 0, mass limit clamped to [0, 1].</summary>
    public TailPolicy Sanitized() => new(
        Mode is "off" or "warn" or "fail" ? Mode : "warn",
        Math.Max(1, MinWindows),
        Math.Clamp(Quantile, 0.0, 1.0),
        QuantileMax,
        Math.Max(0.0, Epsilon),
        MassMax is double m ? Math.Clamp(m, 0.0, 1.0) : null);
}
