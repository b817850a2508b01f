using System.Buffers;
using System.Numerics.Tensors;

namespace InvarLock.Compute;

/// <summary>Root-mean-square normalisation over the last dimension (LLaMA-family <c>RMSNorm</c>).</summary>
/// <remarks>Per row: <c>ms = mean(x²)</c> (accumulated in double, rounded to float32), <c>r = 1 / sqrt(ms + eps)</c> in
/// float32, then <c>y = w · (x · r)</c> — two float32 roundings, in PyTorch's order. With <c>unitOffset</c> (Gemma) the
/// scale is <c>(1 + w)</c>, itself rounded to float32 first.</remarks>
public static class RmsNorm
{
    private const int SumChunk = 64;

    /// <summary>Normalises each of <paramref name="rows"/> contiguous rows of <paramref name="width"/> values.</summary>
    /// <param name="input">Rows × width values.</param>
    /// <param name="output">Rows × width values; may be the same buffer as <paramref name="input"/>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row length (the normalised dimension).</param>
    /// <param name="weight">Width scale values.</param>
    /// <param name="epsilon">Added to the mean square (<c>rms_norm_eps</c>).</param>
    /// <param name="unitOffset">True to scale by <c>1 + weight</c> (Gemma) instead of <c>weight</c>.</param>
    public static void Apply(ReadOnlySpan<float> input, Span<float> output, int rows, int width,
        ReadOnlySpan<float> weight, double epsilon, bool unitOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long total = (long)rows * width;
        if (input.Length < total || output.Length < total || weight.Length < width)
        {
            throw new ArgumentException($"rms norm: buffers too small for {rows}×{width}");
        }
        Rows(input, width, output, width, rows, width, weight[..width], epsilon, unitOffset);
    }

    /// <summary>Normalises every <paramref name="headDim"/>-wide head slice of each row in place (Qwen3 <c>q_norm</c>/<c>k_norm</c>).</summary>
    /// <param name="values">Row-major buffer; row r's heads are at <c>r·rowStride + h·headDim</c> (the buffer may be
    /// a slice of a fused projection, hence the stride).</param>
    /// <param name="rows">Number of rows (tokens).</param>
    /// <param name="rowStride">Distance between rows, at least <c>heads · headDim</c>.</param>
    /// <param name="heads">Heads per row.</param>
    /// <param name="headDim">Width of a head, the normalised dimension.</param>
    /// <param name="weight"><paramref name="headDim"/> scale values shared by every head.</param>
    /// <param name="epsilon">Added to the mean square.</param>
    /// <param name="unitOffset">True to scale by <c>1 + weight</c>.</param>
    public static void ApplyToHeads(Span<float> values, int rows, int rowStride, int heads, int headDim,
        ReadOnlySpan<float> weight, double epsilon, bool unitOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        int rowWidth = checked(heads * headDim);
        if (rowStride < rowWidth)
        {
            throw new ArgumentException($"rms norm: row stride {rowStride} is smaller than {heads}×{headDim}", nameof(rowStride));
        }
        long needed = rows == 0 ? 0 : (long)(rows - 1) * rowStride + rowWidth;
        if (values.Length < needed || weight.Length < headDim)
        {
            throw new ArgumentException($"rms norm: buffers too small for {rows} rows of {heads}×{headDim} (stride {rowStride})");
        }
        weight = weight[..headDim];
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = values.Slice(r * rowStride, rowWidth);
            Rows(row, headDim, row, headDim, heads, headDim, weight, epsilon, unitOffset);
        }
    }

    private static void Rows(ReadOnlySpan<float> input, int inputStride, Span<float> output, int outputStride,
        int rows, int width, ReadOnlySpan<float> weight, double epsilon, bool unitOffset)
    {
        float[]? rented = null;
        ReadOnlySpan<float> scale = weight;
        if (unitOffset)
        {
            rented = ArrayPool<float>.Shared.Rent(width);
            Span<float> shifted = rented.AsSpan(0, width);
            TensorPrimitives.Add(weight, 1f, shifted);
            scale = shifted;
        }
        try
        {
            float eps = (float)epsilon;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> x = input.Slice(r * inputStride, width);
                Span<float> y = output.Slice(r * outputStride, width);
                float meanSquare = (float)(SumOfSquares(x) / width);
                float inverse = 1f / MathF.Sqrt(meanSquare + eps);
                TensorPrimitives.Multiply(x, inverse, y);
                TensorPrimitives.Multiply(y, scale, y);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Σ x² as double over float32 partial sums of <see cref="SumChunk"/> values.</summary>
    private static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double total = 0.0;
        int i = 0;
        for (; i + SumChunk <= x.Length; i += SumChunk)
        {
            total += TensorPrimitives.SumOfSquares(x.Slice(i, SumChunk));
        }
        if (i < x.Length)
        {
            total += TensorPrimitives.SumOfSquares(x[i..]);
        }
        return total;
    }
}
