using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace InvarLock.Compute;

/// <summary>The always-available GEMM: cache-blocked, packed, multi-threaded, with a 6×16 SIMD micro-kernel
/// (Vector256 + FMA where present, Vector128 otherwise).</summary>
/// <remarks>
/// <para>Blocking follows the Goto/BLIS scheme: op(A) is packed into panels of <see cref="MicroRows"/> rows and op(B)
/// into panels of <see cref="MicroCols"/> columns (zero-padded), in slabs of <see cref="KBlock"/> inner indices. One
/// parallel phase packs everything (B in column chunks of bounded size), a second computes independent
/// <see cref="MBlock"/> × <see cref="NTask"/> output tiles, each walking the k-slabs in order — two synchronisation
/// points per chunk, which keeps multi-threaded calls efficient on busy machines.</para>
/// <para>B may also be 16-bit floats (F16/BF16): they are widened to float32 while B is packed, so no float32 copy
/// of B exists beyond the packed chunk, and the arithmetic is the float32 path's.</para>
/// <para>Determinism: every output element is produced by one micro-kernel call per k-slab, slabs run in increasing k
/// order, and inside a slab the products are added in increasing k order with one fused multiply-add each. Tile sizes do
/// not depend on the thread count, so results are bit-identical for any <c>threads</c>.</para>
/// </remarks>
public sealed class ManagedGemmBackend : IGemmBackend
{
    /// <summary>Rows of the micro-kernel's output tile.</summary>
    public const int MicroRows = 6;
    /// <summary>Columns of the micro-kernel's output tile.</summary>
    public const int MicroCols = 16;
    /// <summary>Inner-dimension slab length.</summary>
    public const int KBlock = 256;
    /// <summary>Rows of op(A) per parallel task (a multiple of <see cref="MicroRows"/>).</summary>
    public const int MBlock = 72;
    /// <summary>Columns of op(B) per parallel task (a multiple of <see cref="MicroCols"/>).</summary>
    public const int NTask = 256;
    /// <summary>Most floats of packed op(B) held at once; wider products are done in column chunks.</summary>
    private const int PackedBLimit = 1 << 22;

    /// <summary>Below this many multiply-adds a call runs on the calling thread only.</summary>
    private const long SerialWork = 1L << 18;

    /// <summary>The shared instance.</summary>
    public static ManagedGemmBackend Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "managed-simd";

    /// <summary>The micro-kernel variant in use: <c>avx2-fma</c>, <c>vector256</c>, <c>neon-fma</c>, <c>vector128-fma</c> or <c>vector128</c>.</summary>
    public static string KernelName =>
        Vector256.IsHardwareAccelerated ? (Fma.IsSupported ? "avx2-fma" : "vector256")
        : AdvSimd.IsSupported ? "neon-fma"
        : Fma.IsSupported ? "vector128-fma" : "vector128";

    /// <inheritdoc />
    public unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool accumulate, int threads)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, bias.Length);
        if (m == 0 || n == 0)
        {
            return;
        }
        int workers = ComputeEnvironment.ResolveThreads(threads);
        if ((long)m * n * k < SerialWork)
        {
            workers = 1;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        {
            var job = new GemmJob
            {
                A = pa, Lda = lda, TransposeA = transposeA,
                B = pb, Ldb = ldb, TransposeB = transposeB,
                C = pc, Ldc = ldc, Bias = bias.IsEmpty ? null : pbias,
                M = m, N = n, K = k, Accumulate = accumulate, Workers = workers,
            };
            Run(ref job);
        }
    }

    /// <inheritdoc />
    /// <remarks>B's 16-bit values are widened inside <c>PackBPanel</c>, straight into the packed panels (at most
    /// one packed column chunk of float32 exists at a time); the micro-kernel and its order of operations are the
    /// float32 path's, so the result is bit-identical to widening B first.</remarks>
    public unsafe void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<ushort> b, HalfFormat bFormat, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool accumulate, int threads)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, bias.Length);
        if (bFormat is not (HalfFormat.Float16 or HalfFormat.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(bFormat), bFormat, "not a half-precision format");
        }
        if (m == 0 || n == 0)
        {
            return;
        }
        int workers = ComputeEnvironment.ResolveThreads(threads);
        if ((long)m * n * k < SerialWork)
        {
            workers = 1;
        }
        fixed (float* pa = a)
        fixed (ushort* pb = b)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        {
            var job = new GemmJob
            {
                A = pa, Lda = lda, TransposeA = transposeA,
                BHalf = pb, BFormat = bFormat, Ldb = ldb, TransposeB = transposeB,
                C = pc, Ldc = ldc, Bias = bias.IsEmpty ? null : pbias,
                M = m, N = n, K = k, Accumulate = accumulate, Workers = workers,
            };
            Run(ref job);
        }
    }

    private static unsafe void Run(ref GemmJob job)
    {
        int m = job.M, n = job.N, k = job.K;
        if (k == 0)
        {
            // No products: C = (accumulate ? C : 0) + bias.
            for (int i = 0; i < m; i++)
            {
                var row = new Span<float>(job.C + (long)i * job.Ldc, n);
                if (!job.Accumulate)
                {
                    row.Clear();
                }
                if (job.Bias != null)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(job.Bias, n), row);
                }
            }
            return;
        }
        job.MPanels = (m + MicroRows - 1) / MicroRows;
        job.KSlabs = (k + KBlock - 1) / KBlock;
        // Columns packed at once: a multiple of NTask whose packed panel (all of k) stays within PackedBLimit floats.
        int chunk = Math.Max(NTask, PackedBLimit / k / NTask * NTask);
        chunk = Math.Min(chunk, RoundUp(n, MicroCols));
        float[] packA = ArrayPool<float>.Shared.Rent(checked(job.MPanels * MicroRows * k));
        float[] packB = ArrayPool<float>.Shared.Rent(checked(chunk * k));
        try
        {
            fixed (float* pA = packA)
            fixed (float* pB = packB)
            {
                job.PackedA = pA;
                job.PackedB = pB;
                for (int j0 = 0; j0 < n; j0 += chunk)
                {
                    job.J0 = j0;
                    job.Nc = Math.Min(chunk, n - j0);
                    job.NPanels = (job.Nc + MicroCols - 1) / MicroCols;
                    job.PackA = j0 == 0;
                    // Phase 1: pack op(A) (first chunk only) and this chunk of op(B), every k-slab.
                    int aItems = job.PackA ? job.KSlabs * job.MPanels : 0;
                    ParallelRun(ref job, aItems + job.KSlabs * job.NPanels, &PackItem);
                    // Phase 2: independent output tiles, each running through all k-slabs in order.
                    int mTasks = (m + MBlock - 1) / MBlock;
                    int nTasks = (job.Nc + NTask - 1) / NTask;
                    ParallelRun(ref job, mTasks * nTasks, &ComputeTile);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packA);
            ArrayPool<float>.Shared.Return(packB);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Runs <paramref name="body"/> for indices 0..count−1 on up to <see cref="GemmJob.Workers"/> threads.</summary>
    private static unsafe void ParallelRun(ref GemmJob job, int count, delegate*<ref GemmJob, int, void> body)
    {
        if (job.Workers <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(ref job, i);
            }
            return;
        }
        GemmJob copy = job;
        nint fn = (nint)body;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = job.Workers }, i =>
        {
            GemmJob local = copy;
            ((delegate*<ref GemmJob, int, void>)fn)(ref local, i);
        });
    }

    /// <summary>Packs one (k-slab, panel) of op(A) (items below KSlabs·MPanels when A is packed) or of op(B).</summary>
    private static unsafe void PackItem(ref GemmJob job, int item)
    {
        int aItems = job.PackA ? job.KSlabs * job.MPanels : 0;
        if (item < aItems)
        {
            PackAPanel(ref job, item / job.MPanels, item % job.MPanels);
        }
        else
        {
            item -= aItems;
            PackBPanel(ref job, item / job.NPanels, item % job.NPanels);
        }
    }

    /// <summary>Packed op(A): slab-major; slab s starts at p0·MPanels·MR and holds MPanels panels of kc × MR values.</summary>
    private static unsafe float* APanel(ref GemmJob job, int p0, int kc, int panel) =>
        job.PackedA + (long)p0 * job.MPanels * MicroRows + (long)panel * MicroRows * kc;

    /// <summary>Packed op(B) chunk: slab-major; slab s starts at p0·NPanels·NR and holds NPanels panels of kc × NR values.</summary>
    private static unsafe float* BPanel(ref GemmJob job, int p0, int kc, int panel) =>
        job.PackedB + (long)p0 * job.NPanels * MicroCols + (long)panel * MicroCols * kc;

    /// <summary>Packs rows [panel·MR, panel·MR+MR) × k-slab of op(A) as kc groups of MR values (zero-padded rows).</summary>
    private static unsafe void PackAPanel(ref GemmJob job, int slab, int panel)
    {
        int p0 = slab * KBlock;
        int kc = Math.Min(KBlock, job.K - p0);
        int i0 = panel * MicroRows;
        int rows = Math.Min(MicroRows, job.M - i0);
        float* dst = APanel(ref job, p0, kc, panel);
        if (job.TransposeA)
        {
            // A stored k × m: op(A)[i, p] = A[p, i]; each k gives MR contiguous values.
            for (int p = 0; p < kc; p++)
            {
                float* src = job.A + (long)(p0 + p) * job.Lda + i0;
                float* d = dst + p * MicroRows;
                int r = 0;
                for (; r < rows; r++)
                {
                    d[r] = src[r];
                }
                for (; r < MicroRows; r++)
                {
                    d[r] = 0f;
                }
            }
            return;
        }
        for (int r = 0; r < MicroRows; r++)
        {
            float* d = dst + r;
            if (r < rows)
            {
                float* src = job.A + (long)(i0 + r) * job.Lda + p0;
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroRows] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroRows] = 0f;
                }
            }
        }
    }

    /// <summary>Packs columns [J0 + panel·NR, +NR) × k-slab of op(B) as kc groups of NR values (zero-padded columns).</summary>
    private static unsafe void PackBPanel(ref GemmJob job, int slab, int panel)
    {
        int p0 = slab * KBlock;
        int kc = Math.Min(KBlock, job.K - p0);
        int j0 = job.J0 + panel * MicroCols;
        int cols = Math.Min(MicroCols, job.N - j0);
        float* dst = BPanel(ref job, p0, kc, panel);
        if (job.BHalf != null)
        {
            PackHalfBPanel(ref job, p0, kc, j0, cols, dst);
            return;
        }
        if (!job.TransposeB)
        {
            // B stored k × n: each k gives NR contiguous values.
            for (int p = 0; p < kc; p++)
            {
                float* src = job.B + (long)(p0 + p) * job.Ldb + j0;
                float* d = dst + p * MicroCols;
                if (cols == MicroCols)
                {
                    Vector128.Store(Vector128.Load(src), d);
                    Vector128.Store(Vector128.Load(src + 4), d + 4);
                    Vector128.Store(Vector128.Load(src + 8), d + 8);
                    Vector128.Store(Vector128.Load(src + 12), d + 12);
                }
                else
                {
                    int c = 0;
                    for (; c < cols; c++)
                    {
                        d[c] = src[c];
                    }
                    for (; c < MicroCols; c++)
                    {
                        d[c] = 0f;
                    }
                }
            }
            return;
        }
        // B stored n × k: op(B)[p, j] = B[j, p]; walk each source row contiguously.
        for (int c = 0; c < MicroCols; c++)
        {
            float* d = dst + c;
            if (c < cols)
            {
                float* src = job.B + (long)(j0 + c) * job.Ldb + p0;
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = 0f;
                }
            }
        }
    }

    /// <summary><see cref="PackBPanel"/> for a 16-bit B: the same packed layout, each value widened exactly on the way in.</summary>
    private static unsafe void PackHalfBPanel(ref GemmJob job, int p0, int kc, int j0, int cols, float* dst)
    {
        HalfFormat format = job.BFormat;
        if (!job.TransposeB)
        {
            // B stored k × n: each k gives NR contiguous values.
            for (int p = 0; p < kc; p++)
            {
                ushort* src = job.BHalf + (long)(p0 + p) * job.Ldb + j0;
                float* d = dst + p * MicroCols;
                if (cols == MicroCols && Vector256.IsHardwareAccelerated)
                {
                    HalfConversions.Widen16(src, d, format);
                }
                else
                {
                    HalfConversions.WidenRun(src, d, cols, format);
                    for (int c = cols; c < MicroCols; c++)
                    {
                        d[c] = 0f;
                    }
                }
            }
            return;
        }
        // B stored n × k: widen each source row's slab contiguously (vectorised), then scatter it into the panel.
        float* row = stackalloc float[KBlock];
        for (int c = 0; c < MicroCols; c++)
        {
            float* d = dst + c;
            if (c < cols)
            {
                HalfConversions.WidenRun(job.BHalf + (long)(j0 + c) * job.Ldb + p0, row, kc, format);
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = row[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = 0f;
                }
            }
        }
    }

    /// <summary>Computes one MBlock × NTask tile of C, k-slab by k-slab in increasing order.</summary>
    private static unsafe void ComputeTile(ref GemmJob job, int task)
    {
        int nTasks = (job.Nc + NTask - 1) / NTask;
        int mt = task / nTasks;
        int nt = task % nTasks;
        int iStart = mt * MBlock;
        int iEnd = Math.Min(job.M, iStart + MBlock);
        int jStart = nt * NTask;
        int jEnd = Math.Min(job.Nc, jStart + NTask);
        float* edge = stackalloc float[MicroRows * MicroCols];
        float* biasCopy = stackalloc float[MicroCols];
        for (int slab = 0; slab < job.KSlabs; slab++)
        {
            int p0 = slab * KBlock;
            int kc = Math.Min(KBlock, job.K - p0);
            bool load = job.Accumulate || slab > 0;
            bool addBias = slab == 0 && job.Bias != null;
            for (int jl = jStart; jl < jEnd; jl += MicroCols)
            {
                int j = job.J0 + jl;
                int cols = Math.Min(MicroCols, job.N - j);
                float* bPanel = BPanel(ref job, p0, kc, jl / MicroCols);
                float* bias = addBias ? job.Bias + j : null;
                for (int i = iStart; i < iEnd; i += MicroRows)
                {
                    int rows = Math.Min(MicroRows, job.M - i);
                    float* aPanel = APanel(ref job, p0, kc, i / MicroRows);
                    float* cTile = job.C + (long)i * job.Ldc + j;
                    if (rows == MicroRows && cols == MicroCols)
                    {
                        MicroKernel(aPanel, bPanel, kc, cTile, job.Ldc, load, bias);
                        continue;
                    }
                    // Edge tile: run the same kernel on a padded copy so every element sees the same arithmetic.
                    new Span<float>(edge, MicroRows * MicroCols).Clear();
                    float* edgeBias = null;
                    if (bias != null)
                    {
                        new Span<float>(biasCopy, MicroCols).Clear();
                        new ReadOnlySpan<float>(bias, cols).CopyTo(new Span<float>(biasCopy, cols));
                        edgeBias = biasCopy;
                    }
                    if (load)
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            new ReadOnlySpan<float>(cTile + (long)r * job.Ldc, cols).CopyTo(new Span<float>(edge + r * MicroCols, cols));
                        }
                    }
                    MicroKernel(aPanel, bPanel, kc, edge, MicroCols, load, edgeBias);
                    for (int r = 0; r < rows; r++)
                    {
                        new ReadOnlySpan<float>(edge + r * MicroCols, cols).CopyTo(new Span<float>(cTile + (long)r * job.Ldc, cols));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MicroKernel(float* a, float* b, int kc, float* c, int ldc, bool load, float* bias)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            MicroKernel256(a, b, kc, c, ldc, load, bias);
        }
        else
        {
            MicroKernel128(a, b, kc, c, ldc, load, bias);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> x, Vector128<float> y, Vector128<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc)
        : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(acc, x, y)
        : acc + x * y;

    /// <summary>C[6×16] = (load ? C : 0) + bias + Σ_p a[p]·b[p] with 12 Vector256 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MicroKernel256(float* a, float* b, int kc, float* c, int ldc, bool load, float* bias)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + 8);
            if (bias != null)
            {
                Vector256<float> b0 = Vector256.Load(bias), b1 = Vector256.Load(bias + 8);
                c00 += b0; c01 += b1; c10 += b0; c11 += b1; c20 += b0; c21 += b1;
                c30 += b0; c31 += b1; c40 += b0; c41 += b1; c50 += b0; c51 += b1;
            }
        }
        else if (bias != null)
        {
            Vector256<float> b0 = Vector256.Load(bias), b1 = Vector256.Load(bias + 8);
            c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1;
            c30 = b0; c31 = b1; c40 = b0; c41 = b1; c50 = b0; c51 = b1;
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> av = Vector256.Create(a[0]);
            c00 = MulAdd(av, b0, c00); c01 = MulAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = MulAdd(av, b0, c10); c11 = MulAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = MulAdd(av, b0, c20); c21 = MulAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = MulAdd(av, b0, c30); c31 = MulAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = MulAdd(av, b0, c40); c41 = MulAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = MulAdd(av, b0, c50); c51 = MulAdd(av, b1, c51);
            a += MicroRows;
            b += MicroCols;
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
    }

    /// <summary>The same tile with Vector128 (4 vectors per row); used where Vector256 is not accelerated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MicroKernel128(float* a, float* b, int kc, float* c, int ldc, bool load, float* bias)
    {
        const int Vectors = MicroCols / 4;
        Vector128<float>* acc = stackalloc Vector128<float>[MicroRows * Vectors];
        for (int r = 0; r < MicroRows; r++)
        {
            for (int v = 0; v < Vectors; v++)
            {
                Vector128<float> init = load ? Vector128.Load(c + (long)r * ldc + 4 * v) : Vector128<float>.Zero;
                if (bias != null)
                {
                    init = load ? init + Vector128.Load(bias + 4 * v) : Vector128.Load(bias + 4 * v);
                }
                acc[r * Vectors + v] = init;
            }
        }
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4), b2 = Vector128.Load(b + 8), b3 = Vector128.Load(b + 12);
            for (int r = 0; r < MicroRows; r++)
            {
                Vector128<float> av = Vector128.Create(a[r]);
                Vector128<float>* row = acc + r * Vectors;
                row[0] = MulAdd(av, b0, row[0]);
                row[1] = MulAdd(av, b1, row[1]);
                row[2] = MulAdd(av, b2, row[2]);
                row[3] = MulAdd(av, b3, row[3]);
            }
            a += MicroRows;
            b += MicroCols;
        }
        for (int r = 0; r < MicroRows; r++)
        {
            for (int v = 0; v < Vectors; v++)
            {
                acc[r * Vectors + v].Store(c + (long)r * ldc + 4 * v);
            }
        }
    }

    /// <summary>Everything one GEMM call's workers share (pointers stay pinned for the call's duration).</summary>
    private unsafe struct GemmJob
    {
        public float* A;
        public int Lda;
        public bool TransposeA;
        public float* B;
        /// <summary>B as 16-bit floats (then <see cref="B"/> is null), read in <see cref="BFormat"/>.</summary>
        public ushort* BHalf;
        public HalfFormat BFormat;
        public int Ldb;
        public bool TransposeB;
        public float* C;
        public int Ldc;
        public float* Bias;
        public int M, N, K;
        public bool Accumulate;
        public int Workers;
        public float* PackedA;
        public float* PackedB;
        public int MPanels, KSlabs, J0, Nc, NPanels;
        public bool PackA;
    }
}
