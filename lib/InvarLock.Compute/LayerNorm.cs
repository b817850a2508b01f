using System.Numerics.Tensors;

namespace InvarLock.Compute;

/// <summary>Layer normalisation over the last dimension of a row-major matrix.</summary>
public static class LayerNorm
{
    /// <summary>For each row x: <c>y = (x − mean(x)) / sqrt(var(x) + eps) · weight + bias</c> (biased variance, as PyTorch).</summary>
    /// <param name="input">Rows × width values.</param>
    /// <param name="output">Rows × width values; may be the same buffer as <paramref name="input"/>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row length (normalised dimension).</param>
    /// <param name="weight">Width scale values.</param>
    /// <param name="bias">Width offset values.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void Apply(ReadOnlySpan<float> input, Span<float> output, int rows, int width,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, double epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long total = (long)rows * width;
        if (input.Length < total || output.Length < total || weight.Length < width || bias.Length < width)
        {
            throw new ArgumentException($"layer norm: buffers too small for {rows}×{width}");
        }
        weight = weight[..width];
        bias = bias[..width];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = input.Slice(r * width, width);
            Span<float> y = output.Slice(r * width, width);
            float mean = (float)(SumDouble(x) / width);
            TensorPrimitives.Subtract(x, mean, y);
            double variance = TensorPrimitives.SumOfSquares<float>(y) / (double)width;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            TensorPrimitives.Multiply(y, inv, y);
            TensorPrimitives.FusedMultiplyAdd(y, weight, bias, y);
        }
    }

    private static double SumDouble(ReadOnlySpan<float> x)
    {
        // Pairs of float partial sums keep this fast; the final combination is in double.
        const int Chunk = 64;
        double total = 0.0;
        int i = 0;
        for (; i + Chunk <= x.Length; i += Chunk)
        {
            total += TensorPrimitives.Sum(x.Slice(i, Chunk));
        }
        if (i < x.Length)
        {
            total += TensorPrimitives.Sum(x[i..]);
        }
        return total;
    }
}
