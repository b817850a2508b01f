namespace InvarLock.Core.Reporting.Model;

/// <summary>Per-window loss sums and predicted-token counts of both models on one arm, in the arm's window order (null marks a non-finite loss).</summary>
public sealed record ArmLossesSection(IReadOnlyList<double?> BaselineLossSums, IReadOnlyList<int> BaselineTokenCounts,
    IReadOnlyList<double?> SubjectLossSums, IReadOnlyList<int> SubjectTokenCounts);
