namespace InvarLock.Core.Pipeline;

/// <summary>How a <see cref="WindowPlan"/> chose and balanced its windows.</summary>
/// <param name="Method">The plan method (<see cref="WindowPlan.MethodName"/>).</param>
/// <param name="GridWindows">Windows that fit on the stride grid of the whole stream.</param>
/// <param name="Candidates">Candidate windows scored (spread evenly over the grid).</param>
/// <param name="BalanceSwaps">Swaps the balancing step kept.</param>
/// <param name="PreviewMeanDifficulty">Mean difficulty of the preview arm.</param>
/// <param name="FinalMeanDifficulty">Mean difficulty of the final arm.</param>
/// <param name="PreviewStdDifficulty">Population standard deviation of the preview arm's difficulty.</param>
/// <param name="FinalStdDifficulty">Population standard deviation of the final arm's difficulty.</param>
public sealed record WindowStratification(string Method, long GridWindows, int Candidates, int BalanceSwaps, double PreviewMeanDifficulty,
    double FinalMeanDifficulty, double PreviewStdDifficulty, double FinalStdDifficulty)
{
    /// <summary>Final minus preview mean difficulty.</summary>
    public double DifficultyGap => FinalMeanDifficulty - PreviewMeanDifficulty;
}
