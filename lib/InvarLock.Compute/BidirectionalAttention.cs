using System.Buffers;
using System.Numerics.Tensors;

namespace InvarLock.Compute;

/// <summary>Scaled-dot-product attention without a mask, for encoders: every position attends to every position.</summary>
/// <remarks>Shapes as in <see cref="CausalAttention"/> with as many key/value heads as query heads: q, k, v and the output
/// are <c>[T, heads·headDim]</c> with row strides ldq, ldk, ldv, ldo. Per head: <c>S = (Q Kᵀ) · scale</c> (GEMM, then one
/// float32 multiply), float32 softmax per row, <c>O = S V</c>. Heads run one after another, each GEMM on the requested
/// threads, so results never depend on the thread count.</remarks>
public static class BidirectionalAttention
{
    /// <summary>Computes the attention output for <paramref name="tokens"/> positions.</summary>
    /// <param name="q">Queries, row stride <paramref name="ldq"/>.</param>
    /// <param name="ldq">Row stride of q.</param>
    /// <param name="k">Keys, row stride <paramref name="ldk"/>.</param>
    /// <param name="ldk">Row stride of k.</param>
    /// <param name="v">Values, row stride <paramref name="ldv"/>.</param>
    /// <param name="ldv">Row stride of v.</param>
    /// <param name="output">Result, row stride <paramref name="ldo"/>; must not overlap q, k or v.</param>
    /// <param name="ldo">Row stride of the output.</param>
    /// <param name="tokens">T, the number of positions.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="headDim">Width of a head.</param>
    /// <param name="scale">Score scale, usually <c>1/√headDim</c>.</param>
    /// <param name="threads">Worker threads (0 = <see cref="ComputeEnvironment.Threads"/>).</param>
    public static void Apply(ReadOnlySpan<float> q, int ldq, ReadOnlySpan<float> k, int ldk, ReadOnlySpan<float> v, int ldv,
        Span<float> output, int ldo, int tokens, int heads, int headDim, float scale, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        int width = checked(heads * headDim);
        Check("q", q.Length, ldq, tokens, width);
        Check("k", k.Length, ldk, tokens, width);
        Check("v", v.Length, ldv, tokens, width);
        Check("output", output.Length, ldo, tokens, width);
        if (tokens == 0)
        {
            return;
        }
        int square = checked(tokens * tokens);
        float[] scores = ArrayPool<float>.Shared.Rent(square);
        try
        {
            Span<float> s = scores.AsSpan(0, square);
            for (int h = 0; h < heads; h++)
            {
                int offset = h * headDim;
                Gemm.Multiply(false, true, tokens, tokens, headDim, q[offset..], ldq, k[offset..], ldk, s, tokens, threads: threads);
                TensorPrimitives.Multiply(s, scale, s);
                Softmax.Rows(s, s, tokens, tokens);
                Gemm.Multiply(false, false, tokens, headDim, tokens, s, tokens, v[offset..], ldv, output[offset..], ldo, threads: threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private static void Check(string name, int length, int stride, int rows, int width)
    {
        if (stride < width || (rows > 0 && (long)(rows - 1) * stride + width > length))
        {
            throw new ArgumentException($"attention: {name} is too small for {rows} rows of {width} values with stride {stride}", name);
        }
    }
}
