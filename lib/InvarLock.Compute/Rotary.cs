using System.Numerics;

namespace InvarLock.Compute;

/// <summary>Rotary position embedding in the Hugging Face half-split layout: <c>x' = x·cos + rotate_half(x)·sin</c>.</summary>
/// <remarks>
/// <para>Tables: <c>cos</c> and <c>sin</c> are <c>[rows, rotaryDim/2]</c> row-major — only the unique half, since Hugging
/// Face's <c>emb = cat(freqs, freqs)</c> repeats it. Row r is position <c>firstPosition + r</c>; its angle is the float32
/// product <c>(float)position · inv_freq[i]</c> (one rounding, as PyTorch's k = 1 matmul), and cos/sin of that float32
/// angle are evaluated in double and rounded to float32 (PyTorch's vectorised cos/sin are within one ulp of this).</para>
/// <para>Apply: for each head, with <c>h = rotaryDim/2</c>, <c>x1 = x[i]</c>, <c>x2 = x[i+h]</c>:
/// <c>x[i] = x1·cos − x2·sin</c>, <c>x[i+h] = x2·cos + x1·sin</c>, each product rounded to float32 before the sum (no fused
/// multiply-add, as PyTorch). Dimensions from <c>rotaryDim</c> to <c>headDim</c> are left as they are.</para>
/// </remarks>
public static class Rotary
{
    /// <summary>Fills the cos/sin tables for positions <c>firstPosition … firstPosition + rows − 1</c>.</summary>
    /// <param name="inverseFrequencies">inv_freq, rotaryDim/2 values (see <see cref="RotaryFrequencies"/>).</param>
    /// <param name="firstPosition">Position of table row 0.</param>
    /// <param name="rows">Table rows (positions).</param>
    /// <param name="cos">At least rows × inv_freq.Length values.</param>
    /// <param name="sin">At least rows × inv_freq.Length values.</param>
    public static void Tables(ReadOnlySpan<float> inverseFrequencies, int firstPosition, int rows, Span<float> cos, Span<float> sin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        int half = inverseFrequencies.Length;
        if (half == 0)
        {
            throw new ArgumentException("rotary: no inverse frequencies", nameof(inverseFrequencies));
        }
        long needed = (long)rows * half;
        if (cos.Length < needed || sin.Length < needed)
        {
            throw new ArgumentException($"rotary: tables need {needed} values for {rows} positions × {half}");
        }
        for (int r = 0; r < rows; r++)
        {
            float position = firstPosition + r;
            Span<float> cosRow = cos.Slice(r * half, half);
            Span<float> sinRow = sin.Slice(r * half, half);
            for (int i = 0; i < half; i++)
            {
                float angle = position * inverseFrequencies[i];
                (double s, double c) = Math.SinCos(angle);
                cosRow[i] = (float)c;
                sinRow[i] = (float)s;
            }
        }
    }

    /// <summary>Rotates the first <paramref name="rotaryDim"/> dimensions of every head of every row in place.</summary>
    /// <param name="values">Row r, head h starts at <c>r·rowStride + h·headDim</c> (q or k, possibly a slice of a fused qkv buffer).</param>
    /// <param name="rows">Rows (tokens); row r uses table row r.</param>
    /// <param name="rowStride">Distance between rows, at least <c>heads · headDim</c>.</param>
    /// <param name="heads">Heads per row.</param>
    /// <param name="headDim">Width of a head.</param>
    /// <param name="rotaryDim">Rotated dimensions per head (even, at most headDim).</param>
    /// <param name="cos">The <c>[rows, rotaryDim/2]</c> cos table from <see cref="Tables"/>.</param>
    /// <param name="sin">The <c>[rows, rotaryDim/2]</c> sin table.</param>
    public static void Apply(Span<float> values, int rows, int rowStride, int heads, int headDim, int rotaryDim,
        ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        if (rotaryDim <= 0 || rotaryDim > headDim || rotaryDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rotaryDim), rotaryDim, $"must be even and in (0, {headDim}]");
        }
        int rowWidth = checked(heads * headDim);
        if (rowStride < rowWidth)
        {
            throw new ArgumentException($"rotary: row stride {rowStride} is smaller than {heads}×{headDim}", nameof(rowStride));
        }
        int half = rotaryDim / 2;
        long needed = rows == 0 ? 0 : (long)(rows - 1) * rowStride + rowWidth;
        if (values.Length < needed || cos.Length < (long)rows * half || sin.Length < (long)rows * half)
        {
            throw new ArgumentException($"rotary: buffers too small for {rows} rows of {heads}×{headDim} (stride {rowStride}, tables {rows}×{half})");
        }
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> c = cos.Slice(r * half, half);
            ReadOnlySpan<float> s = sin.Slice(r * half, half);
            for (int h = 0; h < heads; h++)
            {
                Span<float> head = values.Slice(r * rowStride + h * headDim, rotaryDim);
                Rotate(head[..half], head[half..], c, s);
            }
        }
    }

    private static void Rotate(Span<float> first, Span<float> second, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i + width <= first.Length; i += width)
            {
                var x1 = new Vector<float>(first[i..]);
                var x2 = new Vector<float>(second[i..]);
                var c = new Vector<float>(cos[i..]);
                var s = new Vector<float>(sin[i..]);
                // Products and sums as separate float32 operations (Vector<T> operators are never fused).
                (x1 * c - x2 * s).CopyTo(first[i..]);
                (x2 * c + x1 * s).CopyTo(second[i..]);
            }
        }
        for (; i < first.Length; i++)
        {
            float x1 = first[i], x2 = second[i];
            float a = x1 * cos[i], b = x2 * sin[i];
            float d = x2 * cos[i], e = x1 * sin[i];
            first[i] = a - b;
            second[i] = d + e;
        }
    }
}
