using System.Buffers;
using System.Numerics.Tensors;

namespace InvarLock.Compute;

/// <summary>Causal scaled-dot-product attention for decoders, with grouped-query heads and an optional sliding window.</summary>
/// <remarks>
/// <para>Shapes (row-major, one row per position): q <c>[T, heads·headDim]</c> with row stride <c>ldq</c>; k and v
/// <c>[T, kvHeads·headDim]</c> with strides <c>ldk</c>, <c>ldv</c> (all three may be slices of one fused qkv buffer);
/// output <c>[T, heads·headDim]</c> with stride <c>ldo</c>. Query head j reads KV head <c>j / (heads / kvHeads)</c>
/// (Hugging Face <c>repeat_kv</c>: MHA when kvHeads = heads, MQA when kvHeads = 1).</para>
/// <para>Per head: <c>S = (Q Kᵀ) · scale</c> (GEMM, then one float32 multiply), position t keeps keys s with
/// <c>t − window &lt; s ≤ t</c> (window 0 = every s ≤ t), float32 softmax over the kept keys, <c>O = P V</c>.</para>
/// <para>Work is split into (head, query block of <see cref="QueryBlock"/> rows) tasks, longest blocks first; a task's
/// arithmetic depends only on its head and block, so results are bit-identical for any thread count. Score scratch
/// (one <c>QueryBlock × T</c> panel per worker) is rented once per call.</para>
/// </remarks>
public static class CausalAttention
{
    /// <summary>Query rows per task.</summary>
    public const int QueryBlock = 64;

    /// <summary>Computes the attention output for <paramref name="tokens"/> positions.</summary>
    /// <param name="q">Queries, <c>[tokens, heads·headDim]</c>, row stride <paramref name="ldq"/>.</param>
    /// <param name="ldq">Row stride of q.</param>
    /// <param name="k">Keys, <c>[tokens, kvHeads·headDim]</c>, row stride <paramref name="ldk"/>.</param>
    /// <param name="ldk">Row stride of k.</param>
    /// <param name="v">Values, <c>[tokens, kvHeads·headDim]</c>, row stride <paramref name="ldv"/>.</param>
    /// <param name="ldv">Row stride of v.</param>
    /// <param name="output">Result, <c>[tokens, heads·headDim]</c>, row stride <paramref name="ldo"/>; must not overlap q, k or v.</param>
    /// <param name="ldo">Row stride of the output.</param>
    /// <param name="tokens">T, the number of positions.</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads (divides <paramref name="heads"/>).</param>
    /// <param name="headDim">Width of a head.</param>
    /// <param name="scale">Score scale, usually <c>1/√headDim</c>.</param>
    /// <param name="slidingWindow">W &gt; 0 keeps only the last W positions (t − W &lt; s ≤ t); 0 means full causal.</param>
    /// <param name="threads">Worker threads (0 = <see cref="ComputeEnvironment.Threads"/>).</param>
    public static unsafe void Apply(ReadOnlySpan<float> q, int ldq, ReadOnlySpan<float> k, int ldk, ReadOnlySpan<float> v, int ldv,
        Span<float> output, int ldo, int tokens, int heads, int kvHeads, int headDim, float scale, int slidingWindow = 0, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        ArgumentOutOfRangeException.ThrowIfNegative(slidingWindow);
        if (heads % kvHeads != 0)
        {
            throw new ArgumentException($"attention: {heads} query heads are not a multiple of {kvHeads} key/value heads", nameof(kvHeads));
        }
        int qWidth = checked(heads * headDim);
        int kvWidth = checked(kvHeads * headDim);
        CheckMatrix("q", q.Length, ldq, tokens, qWidth);
        CheckMatrix("k", k.Length, ldk, tokens, kvWidth);
        CheckMatrix("v", v.Length, ldv, tokens, kvWidth);
        CheckMatrix("output", output.Length, ldo, tokens, qWidth);
        if (tokens == 0)
        {
            return;
        }
        int blocks = (tokens + QueryBlock - 1) / QueryBlock;
        int tasks = heads * blocks;
        int workers = Math.Min(ComputeEnvironment.ResolveThreads(threads), tasks);
        int panel = QueryBlock * tokens;
        float[] scratch = ArrayPool<float>.Shared.Rent(checked(workers * panel));
        try
        {
            fixed (float* pq = q)
            fixed (float* pk = k)
            fixed (float* pv = v)
            fixed (float* po = output)
            fixed (float* ps = scratch)
            {
                var job = new AttentionJob
                {
                    Q = pq, Ldq = ldq, K = pk, Ldk = ldk, V = pv, Ldv = ldv, Output = po, Ldo = ldo,
                    Tokens = tokens, Heads = heads, GroupSize = heads / kvHeads, HeadDim = headDim,
                    Scale = scale, Window = slidingWindow, Blocks = blocks, QLength = q.Length, KLength = k.Length,
                    VLength = v.Length, OutputLength = output.Length,
                };
                if (workers <= 1)
                {
                    var scores = new Span<float>(ps, panel);
                    for (int task = 0; task < tasks; task++)
                    {
                        RunTask(in job, task, scores);
                    }
                    return;
                }
                int next = 0;
                nint scratchBase = (nint)ps;
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
                {
                    var scores = new Span<float>((float*)scratchBase + (long)worker * panel, panel);
                    int task;
                    while ((task = Interlocked.Increment(ref next) - 1) < tasks)
                    {
                        RunTask(in job, task, scores);
                    }
                });
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>The first key position query <paramref name="t"/> attends to.</summary>
    private static int FirstKey(int t, int window) => window > 0 ? Math.Max(0, t - window + 1) : 0;

    private static unsafe void RunTask(in AttentionJob job, int task, Span<float> scratch)
    {
        int hd = job.HeadDim;
        // Longest (latest) blocks first for load balance.
        int block = job.Blocks - 1 - task / job.Heads;
        int head = task % job.Heads;
        int kvHead = head / job.GroupSize;
        int q0 = block * QueryBlock;
        int rows = Math.Min(QueryBlock, job.Tokens - q0);
        int k0 = FirstKey(q0, job.Window);
        int keys = q0 + rows - k0;
        var q = new ReadOnlySpan<float>(job.Q, job.QLength).Slice(q0 * job.Ldq + head * hd);
        var k = new ReadOnlySpan<float>(job.K, job.KLength).Slice(k0 * job.Ldk + kvHead * hd);
        var v = new ReadOnlySpan<float>(job.V, job.VLength).Slice(k0 * job.Ldv + kvHead * hd);
        Span<float> s = scratch[..(rows * keys)];
        // S = Q Kᵀ over keys k0 … q0+rows−1 (K rows are [keys, hd] with stride ldk).
        Gemm.Multiply(false, true, rows, keys, hd, q, job.Ldq, k, job.Ldk, s, keys, threads: 1);
        for (int r = 0; r < rows; r++)
        {
            int t = q0 + r;
            int first = FirstKey(t, job.Window) - k0;
            int end = t + 1 - k0;
            Span<float> row = s.Slice(r * keys, keys);
            Span<float> live = row[first..end];
            TensorPrimitives.Multiply(live, job.Scale, live);
            TensorPrimitives.SoftMax(live, live);
            row[..first].Clear();
            row[end..].Clear();
        }
        // O = P V into the head's columns of the output.
        var o = new Span<float>(job.Output, job.OutputLength).Slice(q0 * job.Ldo + head * hd);
        Gemm.Multiply(false, false, rows, hd, keys, s, keys, v, job.Ldv, o, job.Ldo, threads: 1);
    }

    private static void CheckMatrix(string name, int length, int stride, int rows, int width)
    {
        if (stride < width)
        {
            throw new ArgumentException($"attention: {name} row stride {stride} is smaller than its {width} columns", name);
        }
        long needed = rows == 0 ? 0 : (long)(rows - 1) * stride + width;
        if (length < needed)
        {
            throw new ArgumentException($"attention: {name} holds {length} values, {rows}×{width} with stride {stride} needs {needed}", name);
        }
    }

    /// <summary>What every task of one call shares (buffers pinned for the call).</summary>
    private unsafe struct AttentionJob
    {
        public float* Q, K, V, Output;
        public int Ldq, Ldk, Ldv, Ldo;
        public int QLength, KLength, VLength, OutputLength;
        public int Tokens, Heads, GroupSize, HeadDim, Blocks, Window;
        public float Scale;
    }
}
