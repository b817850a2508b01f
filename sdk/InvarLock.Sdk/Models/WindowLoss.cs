namespace InvarLock.Sdk.Models;

/// <summary>The loss of one evaluation window.</summary>
/// <param name="LossSum">Sum of per-token negative log-likelihoods (natural log), accumulated in double.</param>
/// <param name="TokenCount">Number of predictions that contributed (for causal models, window length − 1).</param>
public readonly record struct WindowLoss(double LossSum, int TokenCount)
{
    /// <summary>Mean loss per token; NaN when no token contributed.</summary>
    public double MeanLoss => TokenCount == 0 ? double.NaN : LossSum / TokenCount;
}
