namespace InvarLock.Core.Reporting.Model;

/// <summary>How the windows were drawn and how well the arms balance (difficulty in nats per byte of a byte 4-gram
/// model pooled over the candidates; <c>verify</c> recomputes the means, deviations and gap from the per-window lists).</summary>
public sealed record WindowPlanSection(string Method, int NgramOrder, long GridWindows, int Candidates, int BalanceSwaps,
    double PreviewMeanDifficulty, double FinalMeanDifficulty, double PreviewStdDifficulty, double FinalStdDifficulty, double DifficultyGap);
