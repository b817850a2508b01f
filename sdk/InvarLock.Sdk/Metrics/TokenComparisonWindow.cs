namespace InvarLock.Sdk.Metrics;

/// <summary>One window's token-level comparison of baseline and subject.</summary>
/// <param name="Tokens">Predictions compared.</param>
/// <param name="KlSum">Σ over those predictions of KL(baseline ‖ subject) over the full vocabulary (nats).</param>
/// <param name="Top1Agreements">Predictions whose argmax token is the same in both models.</param>
/// <param name="PerTokenKl">KL(baseline ‖ subject) of each prediction, in position order.</param>
public sealed record TokenComparisonWindow(int Tokens, double KlSum, int Top1Agreements, IReadOnlyList<double> PerTokenKl);
