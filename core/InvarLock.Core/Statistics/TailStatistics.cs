namespace InvarLock.Core.Statistics;

/// <summary>Tail evidence of the paired per-window Δ (subject − baseline mean log-loss, final arm), and the tail gate's
/// decision (reference evaluation.md §3.6).</summary>
/// <param name="Count">Finite Δ values.</param>
/// <param name="Max">Largest Δ (null when there is none).</param>
/// <param name="Q50">Median Δ (unweighted, linear interpolation).</param>
/// <param name="Q90">90th percentile.</param>
/// <param name="Q95">95th percentile.</param>
/// <param name="Q99">99th percentile.</param>
/// <param name="PolicyQuantileValue">Δ at the policy quantile.</param>
/// <param name="TailMass">Fraction of windows with Δ &gt; ε.</param>
/// <param name="TailMassWeighted">Token share of windows with Δ &gt; ε (null when the weights do not apply).</param>
/// <param name="Evaluated">Mode is not off, a limit exists and there are at least MinWindows values.</param>
/// <param name="Passed">No violation.</param>
/// <param name="Warned">Evaluated, not passed, and the mode is warn.</param>
/// <param name="Violations"><c>quantile_max_exceeded</c> and/or <c>tail_mass_exceeded</c>.</param>
public sealed record TailStatistics(int Count, double? Max, double? Q50, double? Q90, double? Q95, double? Q99,
    double? PolicyQuantileValue, double TailMass, double? TailMassWeighted, bool Evaluated, bool Passed, bool Warned,
    IReadOnlyList<string> Violations)
{
    /// <summary>Violation code: the policy quantile of Δ is above quantile_max.</summary>
    public const string QuantileMaxExceeded = "quantile_max_exceeded";
    /// <summary>Violation code: the tail mass is above mass_max.</summary>
    public const string TailMassExceeded = "tail_mass_exceeded";

    /// <summary>Computes the tail statistics of <paramref name="deltas"/> (non-finite values are dropped) under
    /// <paramref name="policy"/>; <paramref name="weights"/> are used for the weighted mass only when there is one per
    /// delta.</summary>
    public static TailStatistics Compute(IReadOnlyList<double> deltas, IReadOnlyList<double>? weights, TailPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(policy);
        policy = policy.Sanitized();
        var values = new List<double>(deltas.Count);
        var keptWeights = new List<double>(deltas.Count);
        bool weightsApply = weights is not null && weights.Count == deltas.Count;
        for (int i = 0; i < deltas.Count; i++)
        {
            if (double.IsFinite(deltas[i]))
            {
                values.Add(deltas[i]);
                if (weightsApply)
                {
                    double w = weights![i];
                    keptWeights.Add(double.IsFinite(w) && w > 0 ? w : 0.0);
                }
            }
        }

        int n = values.Count;
        if (n == 0)
        {
            bool evaluatedEmpty = false;
            return new TailStatistics(0, null, null, null, null, null, null, 0.0, null, evaluatedEmpty, true, false, []);
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        int above = 0;
        double weightAbove = 0.0, weightTotal = 0.0;
        for (int i = 0; i < n; i++)
        {
            bool isAbove = values[i] > policy.Epsilon;
            if (isAbove)
            {
                above++;
            }

            if (weightsApply)
            {
                weightTotal += keptWeights[i];
                if (isAbove)
                {
                    weightAbove += keptWeights[i];
                }
            }
        }

        double mass = (double)above / n;
        double? weightedMass = weightsApply && weightTotal > 0 ? weightAbove / weightTotal : null;
        double policyQuantile = Quantiles.LinearSorted(sorted, policy.Quantile);
        bool hasLimit = policy.QuantileMax is not null || policy.MassMax is not null;
        bool evaluated = policy.Mode != "off" && hasLimit && n >= policy.MinWindows;
        var violations = new List<string>();
        if (evaluated && policy.QuantileMax is double qmax && policyQuantile > qmax)
        {
            violations.Add(QuantileMaxExceeded);
        }

        if (evaluated && policy.MassMax is double mmax && mass > mmax)
        {
            violations.Add(TailMassExceeded);
        }

        bool passed = violations.Count == 0;
        return new TailStatistics(n, sorted[^1],
            Quantiles.LinearSorted(sorted, 0.50), Quantiles.LinearSorted(sorted, 0.90),
            Quantiles.LinearSorted(sorted, 0.95), Quantiles.LinearSorted(sorted, 0.99),
            policyQuantile, mass, weightedMass, evaluated, passed, evaluated && !passed && policy.Mode == "warn", violations);
    }

    /// <summary>The gate outcome: false only when the mode is fail, the gate was evaluated, and it did not pass.</summary>
    public bool Acceptable(TailPolicy policy) => !(policy.Sanitized().Mode == "fail" && Evaluated && !Passed);
}
