using System.Numerics.Tensors;
using InvarLock.Compute;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics;

/// <summary>The summed negative log-likelihood Σ_r [logsumexp(logits_r) − logits_r[target_r]] of hidden-state rows under
/// an output head, computed vocabulary block by block with an online log-sum-exp (at most rows × block logits at once).
/// Every perplexity metric scores through it.</summary>
internal static class HeadLoss
{
    /// <summary>The loss of <paramref name="targets"/>.Length rows of <paramref name="hidden"/> ([rows, head.Hidden]).</summary>
    internal static double Sum(IOutputHead head, ReadOnlySpan<float> hidden, ReadOnlySpan<int> targets)
    {
        int rows = targets.Length;
        if (rows == 0)
        {
            return 0.0;
        }
        int vocab = head.Vocab;
        int block = Math.Min(head.ColumnBlock, vocab);
        var rowMax = new double[rows];
        var rowSum = new double[rows];
        var target = new float[rows];
        int[] targetIds = targets.ToArray();
        float[] logits = new float[rows * block];
        hidden = hidden[..(rows * head.Hidden)];
        for (int j0 = 0; j0 < vocab; j0 += block)
        {
            int nc = Math.Min(block, vocab - j0);
            head.Logits(hidden, rows, j0, nc, logits);
            bool first = j0 == 0;
            int chunkStart = j0;
            RowLoop.For(rows, head.Threads, r =>
            {
                ReadOnlySpan<float> row = logits.AsSpan(r * nc, nc);
                float max = TensorPrimitives.Max(row);
                double sum = Softmax.SumExpShifted(row, max);
                if (first)
                {
                    rowMax[r] = max;
                    rowSum[r] = sum;
                }
                else
                {
                    double m = Math.Max(rowMax[r], max);
                    rowSum[r] = rowSum[r] * Math.Exp(rowMax[r] - m) + sum * Math.Exp(max - m);
                    rowMax[r] = m;
                }
                int local = targetIds[r] - chunkStart;
                if ((uint)local < (uint)nc)
                {
                    target[r] = row[local];
                }
            });
        }
        double loss = 0.0;
        for (int r = 0; r < rows; r++)
        {
            loss += rowMax[r] + Math.Log(rowSum[r]) - target[r];
        }
        return loss;
    }
}
