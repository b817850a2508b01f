using InvarLock.Sdk.Models;

namespace InvarLock.Core.Statistics;

/// <summary>Token-weighted loss of one model on one arm: ppl = exp(Σ loss / Σ tokens).</summary>
/// <param name="Windows">Windows pooled.</param>
/// <param name="LossSum">Σ per-window loss sums (natural log), summed in window order.</param>
/// <param name="TokenCount">Σ per-window predicted tokens.</param>
/// <param name="MeanLoss">LossSum / TokenCount (NaN when no token counted).</param>
/// <param name="Perplexity">exp(MeanLoss) via <see cref="DeterministicMath.Exp"/> (NaN when undefined).</param>
public sealed record PerplexitySummary(int Windows, double LossSum, long TokenCount, double MeanLoss, double Perplexity)
{
    /// <summary>Pools <paramref name="losses"/> in order; a window with no token or a non-finite loss makes the result NaN.</summary>
    public static PerplexitySummary From(IReadOnlyList<WindowLoss> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        double sum = 0.0;
        long tokens = 0;
        bool valid = losses.Count > 0;
        foreach (WindowLoss loss in losses)
        {
            if (loss.TokenCount <= 0 || !double.IsFinite(loss.LossSum))
            {
                valid = false;
            }

            sum += loss.LossSum;
            tokens += loss.TokenCount;
        }

        if (!valid || tokens <= 0)
        {
            return new PerplexitySummary(losses.Count, sum, tokens, double.NaN, double.NaN);
        }

        double mean = sum / tokens;
        return new PerplexitySummary(losses.Count, sum, tokens, mean, DeterministicMath.Exp(mean));
    }

    /// <summary>True when the perplexity is a finite number.</summary>
    public bool IsFinite => double.IsFinite(Perplexity);
}
