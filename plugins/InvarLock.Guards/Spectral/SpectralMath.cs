using InvarLock.Numerics;

namespace InvarLock.Guards.Spectral;

/// <summary>Summary of the baseline σ of one family (population standard deviation).</summary>
internal sealed record FamilyStats(int Count, double Mean, double Std, double Min, double Max)
{
    public static FamilyStats Of(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0)
        {
            return new FamilyStats(0, 0, 0, 0, 0);
        }
        double mean = 0;
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            mean += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        mean /= n;
        double var = 0;
        foreach (double v in values)
        {
            var += (v - mean) * (v - mean);
        }
        return new FamilyStats(n, mean, Math.Sqrt(var / n), min, max);
    }
}

/// <summary>A budgeted spectral finding that takes part in family-level multiple testing.</summary>
internal sealed record BudgetedCandidate(string Module, string Family, double Z);

/// <summary>The outcome of family-level selection (guards.md §3.7).</summary>
internal sealed record FamilySelection(
    string Method,
    double Alpha,
    int M,
    IReadOnlyList<string> FamiliesTested,
    IReadOnlyList<string> FamiliesSelected,
    IReadOnlyDictionary<string, double> FamilyPValues,
    IReadOnlyDictionary<string, double> FamilyMaxAbsZ,
    IReadOnlyDictionary<string, int> FamilyCandidateCounts,
    int DefaultSelectedWithoutPValue,
    IReadOnlyList<bool> Selected);

/// <summary>The spectral guard's decision math: z-scores and family-level multiple testing.</summary>
internal static class SpectralMath
{
    /// <summary>Cross-sectional z of σ within the baseline family: <c>(σ − mean)/std</c> when std &gt; 0; otherwise the
    /// deadband path <c>rel = σ/σ_base − 1</c>, z = 0 inside ±deadband, else rel/deadband (guards.md §3.6).</summary>
    public static double ZScore(double sigma, FamilyStats? stats, double baselineSigma, double deadband)
    {
        double mean = stats?.Mean ?? 0.0;
        double std = stats?.Std ?? 0.0;
        if (std > 0)
        {
            return (sigma - mean) / std;
        }
        double denom = baselineSigma > 0 ? baselineSigma : 1.0;
        double rel = (sigma / denom) - 1.0;
        if (Math.Abs(rel) <= deadband)
        {
            return 0.0;
        }
        return rel / (deadband > 0 ? deadband : 1.0);
    }

    /// <summary>Selects budgeted candidates by family: the family p-value is the smallest two-sided p of its members with a
    /// finite z; BH or Bonferroni over m = max(m or #families, #families, 1). Candidates without a finite z are always selected.</summary>
    public static FamilySelection SelectFamilies(IReadOnlyList<BudgetedCandidate> candidates, string method, double alpha, int? m)
    {
        var familyP = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var familyZ = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (BudgetedCandidate c in candidates)
        {
            counts[c.Family] = counts.GetValueOrDefault(c.Family) + 1;
            if (!double.IsFinite(c.Z))
            {
                continue;
            }
            double p = NormalDistribution.TwoSidedPValue(c.Z);
            familyP[c.Family] = familyP.TryGetValue(c.Family, out double prev) ? Math.Min(prev, p) : p;
            familyZ[c.Family] = Math.Max(familyZ.GetValueOrDefault(c.Family), Math.Abs(c.Z));
        }
        var tested = new List<string>(familyP.Keys);
        int mEff = m is int given && given > 0 ? given : tested.Count;
        mEff = Math.Max(Math.Max(mEff, tested.Count), 1);
        IReadOnlyList<string> selectedFamilies = method == "bonferroni"
            ? MultipleTesting.Bonferroni(familyP, alpha, mEff)
            : MultipleTesting.BenjaminiHochberg(familyP, alpha, mEff);
        var selectedSet = new HashSet<string>(selectedFamilies, StringComparer.Ordinal);
        var selected = new List<bool>(candidates.Count);
        int withoutP = 0;
        foreach (BudgetedCandidate c in candidates)
        {
            if (!double.IsFinite(c.Z))
            {
                withoutP++;
                selected.Add(true);
            }
            else
            {
                selected.Add(selectedSet.Contains(c.Family));
            }
        }
        return new FamilySelection(method, alpha, mEff, tested, selectedFamilies, familyP, familyZ, counts, withoutP, selected);
    }
}
