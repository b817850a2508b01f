using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InvarLock.Compute;

/// <summary>The always-available GEMM: cache-blocked, packed, multi-threaded, with SIMD micro-kernels for the
/// widest vectors the CPU has (<see cref="GemmIsa"/>: Vector512 6×32, Vector256 6×16 or portable Vector128 6×16).</summary>
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
/// not depend on the thread count, so results are bit-identical for any <c>threads</c>. Every <see cref="GemmIsa"/> follows
/// the same order with fused multiply-adds, so results are also bit-identical across instruction sets.</para>
/// <para>A weight multiplied many times can be packed once (<see cref="PackedMatrix"/>) and passed to
/// <see cref="Multiply(bool, int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>.</para>
/// </remarks>
public sealed partial class ManagedGemmBackend : IGemmBackend
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

    private static readonly Lazy<ManagedGemmBackend> s_instance = new(() => new ManagedGemmBackend(GemmIsaSelection.FromEnvironment()));

    /// <summary>Creates a backend running the <paramref name="isa"/> kernels (tests force each one; the caller checks
    /// that the CPU can run it, or accepts emulated vectors).</summary>
    internal ManagedGemmBackend(GemmIsa isa) => Isa = isa;

    /// <summary>The shared instance, using the widest instruction set the CPU reports or the <c>INVARLOCK_ISA</c> override.</summary>
    /// <exception cref="Sdk.Errors.InvarLockException">On first use, when <c>INVARLOCK_ISA</c> is not <c>avx512</c>,
    /// <c>avx2</c> or <c>portable</c>, or names one this CPU cannot run (a usage error, exit code 2).</exception>
    public static ManagedGemmBackend Instance => s_instance.Value;

    /// <summary>The instruction set this backend's micro-kernels use.</summary>
    public GemmIsa Isa { get; }

    /// <inheritdoc />
    public string Name => "managed-simd";

    /// <summary>The micro-kernel family, for reports: <c>avx512-fma</c>, <c>avx2-fma</c> or <c>portable-vector128-fma</c>.</summary>
    public string KernelName => Isa switch
    {
        GemmIsa.Avx512 => "avx512-fma",
        GemmIsa.Avx2 => "avx2-fma",
        _ => "portable-vector128-fma",
    };

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
                M = m, N = n, K = k, Accumulate = accumulate, Workers = workers, Isa = Isa,
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
                M = m, N = n, K = k, Accumulate = accumulate, Workers = workers, Isa = Isa,
            };
            Run(ref job);
        }
    }

    /// <summary>Computes <c>C[m, n] = (accumulate ? C : 0) + bias[n] + op(A)·B</c> for a B packed once by
    /// <see cref="PackedMatrix"/> (<c>k = b.K</c>, <c>n = b.N</c>).</summary>
    /// <remarks>Bit-identical to the unpacked call on the matrix <paramref name="b"/> was packed from: the packed panels
    /// are the ones that call would build. A float32 (or widened) pack is read in place, so no B packing happens
    /// per call; a half-precision pack is widened one contiguous panel at a time.</remarks>
    /// <param name="transposeA">True when A is stored <c>k × m</c>.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A's storage.</param>
    /// <param name="b">The packed B.</param>
    /// <param name="c">C's storage.</param>
    /// <param name="ldc">Row stride of C (≥ <c>b.N</c>).</param>
    /// <param name="bias">Empty, or <c>b.N</c> values added to every row of C.</param>
    /// <param name="accumulate">True to add to C's current content.</param>
    /// <param name="threads">Worker threads; 0 means <see cref="ComputeEnvironment.Threads"/>.</param>
    public unsafe void Multiply(bool transposeA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool accumulate, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        GemmArguments.ValidatePacked(transposeA, m, n, k, a.Length, lda, c.Length, ldc, bias.Length);
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
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        fixed (float* pf = b.Floats)
        fixed (ushort* ph = b.Halves)
        {
            var job = new GemmJob
            {
                A = pa, Lda = lda, TransposeA = transposeA,
                PrePacked = pf, PrePackedHalf = ph, BFormat = b.Format ?? HalfFormat.Float16, PrePackedPanels = b.Panels,
                C = pc, Ldc = ldc, Bias = bias.IsEmpty ? null : pbias,
                M = m, N = n, K = k, Accumulate = accumulate, Workers = workers, Isa = Isa,
            };
            Run(ref job);
        }
    }

    /// <summary>Packs all of op(B) (<paramref name="n"/> columns, zero-padded to whole panels) into
    /// <paramref name="floats"/> (widened) or <paramref name="halves"/> (bit patterns copied), in the layout
    /// <see cref="Run"/> reads: slab-major, slab s at <c>p0·panels·NR</c>, panel q at <c>q·NR·kc</c> within it.</summary>
    internal static unsafe void PackWhole(bool transposeB, int n, int k, float* b, ushort* bHalf, HalfFormat format, int ldb,
        float* floats, ushort* halves, int threads)
    {
        var job = new GemmJob
        {
            B = b, BHalf = bHalf, BFormat = format, Ldb = ldb, TransposeB = transposeB,
            N = n, K = k, Nc = n, J0 = 0, NPanels = (n + MicroCols - 1) / MicroCols, KSlabs = (k + KBlock - 1) / KBlock,
            PackedB = floats, PackedHalfTarget = halves,
            Workers = (long)n * k < SerialWork ? 1 : ComputeEnvironment.ResolveThreads(threads),
        };
        ParallelRun(ref job, job.KSlabs * job.NPanels, &PackWholeItem);
    }

    private static unsafe void PackWholeItem(ref GemmJob job, int item)
    {
        int slab = item / job.NPanels, panel = item % job.NPanels;
        if (job.PackedHalfTarget != null)
        {
            CopyHalfBPanel(ref job, slab, panel);
        }
        else
        {
            PackBPanel(ref job, slab, panel);
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
        // Columns packed at once: a multiple of NTask whose packed panel (all of k) stays within PackedBLimit floats;
        // a float32 pre-packed B is read in place as one chunk.
        bool inPlace = job.PrePacked != null;
        int chunk = inPlace ? RoundUp(n, MicroCols) : Math.Max(NTask, PackedBLimit / k / NTask * NTask);
        chunk = Math.Min(chunk, RoundUp(n, MicroCols));
        float[] packA = ArrayPool<float>.Shared.Rent(checked(job.MPanels * MicroRows * k));
        float[] packB = ArrayPool<float>.Shared.Rent(inPlace ? 0 : checked(chunk * k));
        try
        {
            fixed (float* pA = packA)
            fixed (float* pB = packB)
            {
                job.PackedA = pA;
                job.PackedB = inPlace ? job.PrePacked : pB;
                for (int j0 = 0; j0 < n; j0 += chunk)
                {
                    job.J0 = j0;
                    job.Nc = Math.Min(chunk, n - j0);
                    job.NPanels = (job.Nc + MicroCols - 1) / MicroCols;
                    job.PackA = j0 == 0;
                    // Phase 1: pack op(A) (first chunk only) and this chunk of op(B), every k-slab.
                    int aItems = job.PackA ? job.KSlabs * job.MPanels : 0;
                    ParallelRun(ref job, aItems + (inPlace ? 0 : job.KSlabs * job.NPanels), &PackItem);
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
        int p8 = 0;
        if (rows == MicroRows && Avx.IsSupported)
        {
            // Full panel: 8 k at a time, six rows transposed into eight groups of MR (AVX, exact copies).
            float* s0 = job.A + (long)i0 * job.Lda + p0;
            long lda = job.Lda;
            for (; p8 + 8 <= kc; p8 += 8)
            {
                Vector256<float> r0 = Avx.LoadVector256(s0 + p8), r1 = Avx.LoadVector256(s0 + lda + p8);
                Vector256<float> r2 = Avx.LoadVector256(s0 + 2 * lda + p8), r3 = Avx.LoadVector256(s0 + 3 * lda + p8);
                Vector256<float> r4 = Avx.LoadVector256(s0 + 4 * lda + p8), r5 = Avx.LoadVector256(s0 + 5 * lda + p8);
                Vector256<float> r6 = Vector256<float>.Zero, r7 = Vector256<float>.Zero;
                Transpose8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                // Each store writes 8 values; the last 2 are overwritten by the next group (the 8th group stores 6).
                float* d = dst + p8 * MicroRows;
                Avx.Store(d, r0);
                Avx.Store(d + MicroRows, r1);
                Avx.Store(d + 2 * MicroRows, r2);
                Avx.Store(d + 3 * MicroRows, r3);
                Avx.Store(d + 4 * MicroRows, r4);
                Avx.Store(d + 5 * MicroRows, r5);
                Avx.Store(d + 6 * MicroRows, r6);
                float* last = d + 7 * MicroRows;
                Sse.Store(last, r7.GetLower());
                last[4] = r7.GetElement(4);
                last[5] = r7.GetElement(5);
            }
        }
        for (int r = 0; r < MicroRows; r++)
        {
            float* d = dst + r;
            if (r < rows)
            {
                float* src = job.A + (long)(i0 + r) * job.Lda + p0;
                for (int p = p8; p < kc; p++)
                {
                    d[p * MicroRows] = src[p];
                }
            }
            else
            {
                for (int p = p8; p < kc; p++)
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
        if (job.PrePackedHalf != null)
        {
            // Pre-packed bit patterns in the same layout over all of n: one contiguous run per panel.
            ushort* src = job.PrePackedHalf + (long)p0 * job.PrePackedPanels * MicroCols + (long)(job.J0 / MicroCols + panel) * MicroCols * kc;
            HalfConversions.WidenRun(src, dst, MicroCols * kc, job.BFormat);
            return;
        }
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
        // B stored n × k: op(B)[p, j] = B[j, p]. A full panel is transposed in 8 × 8 blocks (AVX); otherwise walk
        // each source row contiguously.
        if (cols == MicroCols && Avx.IsSupported)
        {
            TransposePanel(job.B + (long)j0 * job.Ldb + p0, job.Ldb, kc, dst);
            return;
        }
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
        // B stored n × k: widen each source row's slab contiguously (vectorised), then transpose (full panels, AVX)
        // or scatter it into the panel.
        if (cols == MicroCols && Avx.IsSupported)
        {
            float* rows = stackalloc float[MicroCols * KBlock];
            for (int c = 0; c < MicroCols; c++)
            {
                HalfConversions.WidenRun(job.BHalf + (long)(j0 + c) * job.Ldb + p0, rows + c * KBlock, kc, format);
            }
            TransposePanel(rows, KBlock, kc, dst);
            return;
        }
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

    /// <summary>Writes <c>dst[p·NR + c] = src[c·lds + p]</c> for c &lt; NR, p &lt; kc: a full panel from NR source rows,
    /// in 8 × 8 AVX transposes (exact copies; the tail of k is copied one value at a time).</summary>
    private static unsafe void TransposePanel(float* src, long lds, int kc, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            Transpose8x8(src + p, lds, dst + p * MicroCols);
            Transpose8x8(src + 8 * lds + p, lds, dst + p * MicroCols + 8);
        }
        for (; p < kc; p++)
        {
            float* d = dst + p * MicroCols;
            for (int c = 0; c < MicroCols; c++)
            {
                d[c] = src[c * lds + p];
            }
        }
    }

    /// <summary>dst[q·NR + r] = src[r·lds + q] for r, q &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* src, long lds, float* dst)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Transpose8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0);
        Avx.Store(dst + MicroCols, r1);
        Avx.Store(dst + 2 * MicroCols, r2);
        Avx.Store(dst + 3 * MicroCols, r3);
        Avx.Store(dst + 4 * MicroCols, r4);
        Avx.Store(dst + 5 * MicroCols, r5);
        Avx.Store(dst + 6 * MicroCols, r6);
        Avx.Store(dst + 7 * MicroCols, r7);
    }

    /// <summary>Transposes the 8 × 8 matrix whose rows are r0..r7, in place (AVX unpack/shuffle/permute).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>Copies one (k-slab, panel) of a 16-bit op(B) into <see cref="GemmJob.PackedHalfTarget"/> in the packed
    /// layout, without widening (zero padding is +0 in both formats).</summary>
    private static unsafe void CopyHalfBPanel(ref GemmJob job, int slab, int panel)
    {
        int p0 = slab * KBlock;
        int kc = Math.Min(KBlock, job.K - p0);
        int j0 = panel * MicroCols;
        int cols = Math.Min(MicroCols, job.N - j0);
        ushort* dst = job.PackedHalfTarget + (long)p0 * job.NPanels * MicroCols + (long)panel * MicroCols * kc;
        if (!job.TransposeB)
        {
            for (int p = 0; p < kc; p++)
            {
                ushort* src = job.BHalf + (long)(p0 + p) * job.Ldb + j0;
                ushort* d = dst + p * MicroCols;
                int c = 0;
                for (; c < cols; c++)
                {
                    d[c] = src[c];
                }
                for (; c < MicroCols; c++)
                {
                    d[c] = 0;
                }
            }
            return;
        }
        for (int c = 0; c < MicroCols; c++)
        {
            ushort* d = dst + c;
            if (c < cols)
            {
                ushort* src = job.BHalf + (long)(j0 + c) * job.Ldb + p0;
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    d[p * MicroCols] = 0;
                }
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
        public GemmIsa Isa;
        /// <summary>A float32 <see cref="PackedMatrix"/>'s panels (all of n), read in place.</summary>
        public float* PrePacked;
        /// <summary>A half-precision <see cref="PackedMatrix"/>'s panels (all of n), widened per chunk.</summary>
        public ushort* PrePackedHalf;
        /// <summary>Panels across all of n in the pre-packed layout.</summary>
        public int PrePackedPanels;
        /// <summary><see cref="PackWhole"/>'s 16-bit destination.</summary>
        public ushort* PackedHalfTarget;
    }
}
