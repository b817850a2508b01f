using System.Numerics.Tensors;

namespace InvarLock.Compute;

/// <summary>Softmax, log-softmax and log-sum-exp over the rows of a row-major matrix.</summary>
public static class Softmax
{
    /// <summary>Each row becomes <c>exp(x − max) / Σ exp(x − max)</c>. <paramref name="output"/> may alias <paramref name="input"/>.</summary>
    public static void Rows(ReadOnlySpan<float> input, Span<float> output, int rows, int width)
    {
        Check(input, output, rows, width);
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.SoftMax(input.Slice(r * width, width), output.Slice(r * width, width));
        }
    }

    /// <summary>Each row becomes <c>x − logsumexp(x)</c>. <paramref name="output"/> may alias <paramref name="input"/>.</summary>
    public static void LogRows(ReadOnlySpan<float> input, Span<float> output, int rows, int width)
    {
        Check(input, output, rows, width);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = input.Slice(r * width, width);
            float lse = (float)LogSumExp(x);
            TensorPrimitives.Subtract(x, lse, output.Slice(r * width, width));
        }
    }

    /// <summary><c>log Σ exp(x)</c>, computed stably (max-shifted; the sum accumulates in double).</summary>
    /// <returns>Negative infinity for an empty span.</returns>
    public static double LogSumExp(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            return double.NegativeInfinity;
        }
        float max = TensorPrimitives.Max(x);
        if (float.IsInfinity(max) || float.IsNaN(max))
        {
            return max;
        }
        return max + Math.Log(SumExpShifted(x, max));
    }

    /// <summary><c>Σ exp(x − shift)</c> in double over float exponentials.</summary>
    public static double SumExpShifted(ReadOnlySpan<float> x, float shift)
    {
        const int Chunk = 512;
        Span<float> t = stackalloc float[Chunk];
        double sum = 0.0;
        for (int i = 0; i < x.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, x.Length - i);
            Span<float> u = t[..n];
            TensorPrimitives.Subtract(x.Slice(i, n), shift, u);
            TensorPrimitives.Exp(u, u);
            sum += TensorPrimitives.Sum<float>(u);
        }
        return sum;
    }

    private static void Check(ReadOnlySpan<float> input, Span<float> output, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long total = (long)rows * width;
        if (input.Length < total || output.Length < total)
        {
            throw new ArgumentException($"softmax: buffers too small for {rows}×{width}");
        }
    }
}
