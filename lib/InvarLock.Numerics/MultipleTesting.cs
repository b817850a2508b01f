namespace InvarLock.Numerics;

/// <summary>Multiple-testing selection over a family of p-values: Benjamini–Hochberg and Bonferroni (guards.md §3.7).</summary>
public static class MultipleTesting
{
    /// <summary>True for a p-value that is finite and in [0, 1].</summary>
    public static bool IsValidPValue(double p) => double.IsFinite(p) && p >= 0 && p <= 1;

    /// <summary>Benjamini–Hochberg step-up: k* = max r with p_(r) ≤ α·r/m; selects every key with p ≤ α·k*/m.
    /// α outside (0, 1] selects nothing; invalid p-values are never selected. Result sorted by key (ordinal).</summary>
    public static IReadOnlyList<string> BenjaminiHochberg(IReadOnlyDictionary<string, double> pValues, double alpha, int m)
    {
        var selected = new List<string>();
        if (!(alpha > 0 && alpha <= 1) || m < 1)
        {
            return selected;
        }
        var valid = new List<double>();
        foreach (double p in pValues.Values)
        {
            if (IsValidPValue(p))
            {
                valid.Add(p);
            }
        }
        valid.Sort();
        int kStar = 0;
        for (int r = 1; r <= valid.Count; r++)
        {
            if (valid[r - 1] <= alpha * r / m)
            {
                kStar = r;
            }
        }
        if (kStar == 0)
        {
            return selected;
        }
        double cutoff = alpha * kStar / m;
        foreach (KeyValuePair<string, double> kv in pValues)
        {
            if (IsValidPValue(kv.Value) && kv.Value <= cutoff)
            {
                selected.Add(kv.Key);
            }
        }
        selected.Sort(StringComparer.Ordinal);
        return selected;
    }

    /// <summary>Bonferroni: selects every key with a valid p ≤ α/m (α ≤ 0 selects nothing). Result sorted by key.</summary>
    public static IReadOnlyList<string> Bonferroni(IReadOnlyDictionary<string, double> pValues, double alpha, int m)
    {
        var selected = new List<string>();
        if (!(alpha > 0) || m < 1)
        {
            return selected;
        }
        double cutoff = alpha / m;
        foreach (KeyValuePair<string, double> kv in pValues)
        {
            if (IsValidPValue(kv.Value) && kv.Value <= cutoff)
            {
                selected.Add(kv.Key);
            }
        }
        selected.Sort(StringComparer.Ordinal);
        return selected;
    }
}
