namespace InvarLock.Core.Statistics;

/// <summary>How a subject arm pairs with the baseline arm by window id.</summary>
/// <param name="Expected">Baseline windows (distinct ids).</param>
/// <param name="Matched">Subject windows whose id is in the baseline and whose token count agrees.</param>
/// <param name="Missing">Baseline ids the subject never scored.</param>
/// <param name="Unexpected">Subject ids the baseline does not have.</param>
/// <param name="DuplicateIds">Ids that occur more than once in either arm.</param>
/// <param name="TokenCountMismatches">Ids present in both whose predicted-token counts differ.</param>
public sealed record WindowPairing(int Expected, int Matched, IReadOnlyList<int> Missing, IReadOnlyList<int> Unexpected,
    IReadOnlyList<int> DuplicateIds, IReadOnlyList<int> TokenCountMismatches)
{
    /// <summary>matched / (expected + unexpected), or 1 when both are 0.</summary>
    public double MatchFraction => Expected + Unexpected.Count == 0 ? 1.0 : (double)Matched / (Expected + Unexpected.Count);

    /// <summary>True when every window pairs exactly once.</summary>
    public bool Perfect => Missing.Count == 0 && Unexpected.Count == 0 && DuplicateIds.Count == 0 && TokenCountMismatches.Count == 0;

    /// <summary>A short reason for the first problem, or null when paired perfectly (missing &gt; token mismatch &gt;
    /// unexpected &gt; duplicate, first three ids listed).</summary>
    public string? Reason(string arm)
    {
        static string First(IReadOnlyList<int> ids) => "[" + string.Join(",", ids.Take(3)) + "]";
        if (Missing.Count > 0)
        {
            return $"{arm}_missing_ids:{First(Missing)}";
        }

        if (TokenCountMismatches.Count > 0)
        {
            return $"{arm}_token_mismatch:{First(TokenCountMismatches)}";
        }

        if (Unexpected.Count > 0)
        {
            return $"{arm}_unexpected_ids:{First(Unexpected)}";
        }

        return DuplicateIds.Count > 0 ? $"{arm}_duplicate_ids:{First(DuplicateIds)}" : null;
    }
}
