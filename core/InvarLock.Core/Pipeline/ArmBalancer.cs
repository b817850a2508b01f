using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>The plan's second stage: deals the selected windows to the preview and final arms so that the baseline's
/// perplexity is the same on both arms (its drift, final/preview, is 1 up to what the window granularity allows).
/// A bit-identical subject then has exactly the baseline's drift, so the drift gate judges the edit, not the text.
/// <para>The method (<see cref="Method"/>): order the windows by the baseline's mean loss per token (ties by id); deal
/// consecutive pairs alternately (pair 0: easier → preview, harder → final; pair 1 the other way; a full arm overflows
/// into the other; a lone last window goes to preview while it has room); then, at most <see cref="MaxSwaps"/> times,
/// make the single preview↔final swap that most reduces |mean loss(preview) − mean loss(final)| (token-weighted; the
/// first best pair in id order wins) and stop when no swap reduces it. Pure IEEE double arithmetic in a fixed order,
/// so <c>verify</c> recomputes the same arms from the report's per-window baseline losses on any machine.</para>
/// <para>It uses the baseline's own losses, not a model-free text score: a byte-level score correlates only weakly with a
/// model's perplexity, and with a few windows per arm it left a bit-identical subject failing the drift band.</para></summary>
internal static class ArmBalancer
{
    /// <summary>The plan method recorded in the report (<c>windows.plan_method</c>).</summary>
    public const string Method = "spread+baseline-balanced/v1";

    /// <summary>Upper bound on improving swaps.</summary>
    public const int MaxSwaps = 64;

    /// <summary>Assigns arms. <paramref name="losses"/> are the baseline's, one per window in id order (finite, with
    /// positive token counts); <paramref name="ids"/> the windows' ids (ascending). Returns, per window, whether it is a
    /// preview window; exactly <paramref name="previewCount"/> are.</summary>
    public static bool[] Assign(IReadOnlyList<int> ids, IReadOnlyList<WindowLoss> losses, int previewCount)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(losses);
        int n = losses.Count;
        if (ids.Count != n)
        {
            throw new ArgumentException($"{ids.Count} ids but {n} losses.", nameof(ids));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(previewCount, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(previewCount, n);
        var sums = new double[n];
        var counts = new double[n];
        var means = new double[n];
        for (int i = 0; i < n; i++)
        {
            WindowLoss l = losses[i];
            if (!double.IsFinite(l.LossSum) || l.TokenCount <= 0)
            {
                throw new ArgumentException($"window {ids[i]}: loss {l.LossSum} over {l.TokenCount} tokens cannot be balanced.", nameof(losses));
            }
            sums[i] = l.LossSum;
            counts[i] = l.TokenCount;
            means[i] = l.LossSum / l.TokenCount;
        }

        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => means[a] != means[b] ? means[a].CompareTo(means[b]) : ids[a].CompareTo(ids[b]));

        // Alternating pair deal.
        var preview = new bool[n];
        int inPreview = 0, inFinal = 0, finalCount = n - previewCount;
        for (int k = 0; k < n; k += 2)
        {
            bool easyToPreview = (k / 2) % 2 == 0;
            if (k + 1 == n)
            {
                Place(order[k], inPreview < previewCount);
                break;
            }
            Place(order[k], easyToPreview ? inPreview < previewCount : inFinal >= finalCount);
            Place(order[k + 1], easyToPreview ? inFinal >= finalCount : inPreview < previewCount);
        }

        void Place(int index, bool toPreview)
        {
            preview[index] = toPreview;
            if (toPreview)
            {
                inPreview++;
            }
            else
            {
                inFinal++;
            }
        }

        if (previewCount == 0 || finalCount == 0)
        {
            return preview;
        }

        // Best-swap descent.
        double sp = 0, cp = 0, sf = 0, cf = 0;
        for (int i = 0; i < n; i++)
        {
            if (preview[i])
            {
                sp += sums[i];
                cp += counts[i];
            }
            else
            {
                sf += sums[i];
                cf += counts[i];
            }
        }
        for (int swap = 0; swap < MaxSwaps; swap++)
        {
            double best = Math.Abs(sp / cp - sf / cf);
            int bestP = -1, bestF = -1;
            for (int i = 0; i < n; i++)
            {
                if (!preview[i])
                {
                    continue;
                }
                for (int j = 0; j < n; j++)
                {
                    if (preview[j])
                    {
                        continue;
                    }
                    double d = Math.Abs((sp - sums[i] + sums[j]) / (cp - counts[i] + counts[j])
                        - (sf - sums[j] + sums[i]) / (cf - counts[j] + counts[i]));
                    if (d < best)
                    {
                        best = d;
                        bestP = i;
                        bestF = j;
                    }
                }
            }
            if (bestP < 0)
            {
                break;
            }
            preview[bestP] = false;
            preview[bestF] = true;
            sp += sums[bestF] - sums[bestP];
            cp += counts[bestF] - counts[bestP];
            sf += sums[bestP] - sums[bestF];
            cf += counts[bestP] - counts[bestF];
        }
        return preview;
    }
}
