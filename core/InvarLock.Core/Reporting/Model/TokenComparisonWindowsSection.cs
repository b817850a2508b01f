namespace InvarLock.Core.Reporting.Model;

/// <summary>The final arm's token-level comparison of subject against baseline, per window in the arm's window order:
/// the raw data the <c>token_comparison</c> section is recomputed from.</summary>
/// <param name="TokenCounts">Predictions compared per window.</param>
/// <param name="KlSums">Σ KL(baseline ‖ subject) per window (nats).</param>
/// <param name="Top1Agreements">Predictions per window whose argmax token is the same in both models.</param>
/// <param name="PerTokenKl">KL of every prediction, per window in position order.</param>
public sealed record TokenComparisonWindowsSection(IReadOnlyList<int> TokenCounts, IReadOnlyList<double> KlSums,
    IReadOnlyList<int> Top1Agreements, IReadOnlyList<IReadOnlyList<double>> PerTokenKl);
