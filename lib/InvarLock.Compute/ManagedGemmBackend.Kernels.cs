using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace InvarLock.Compute;

/// <summary>The tile loop and the micro-kernels, one per <see cref="GemmIsa"/>.</summary>
/// <remarks>Every kernel starts an element from <c>(load ? C : 0) + bias</c> (one rounded add) and then applies one
/// fused multiply-add per k in increasing order (<c>VectorNNN.FusedMultiplyAdd</c>: the FMA instruction where the CPU
/// has one, an exact software fallback otherwise), so each variant, and every tile shape, rounds identically.</remarks>
public sealed partial class ManagedGemmBackend
{
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
        bool wideIsa = job.Isa == GemmIsa.Avx512;
        float* edge = stackalloc float[MicroRows * MicroCols];
        float* biasCopy = stackalloc float[MicroCols];
        for (int slab = 0; slab < job.KSlabs; slab++)
        {
            int p0 = slab * KBlock;
            int kc = Math.Min(KBlock, job.K - p0);
            bool load = job.Accumulate || slab > 0;
            bool addBias = slab == 0 && job.Bias != null;
            for (int jl = jStart; jl < jEnd;)
            {
                int j = job.J0 + jl;
                int cols = Math.Min(MicroCols, job.N - j);
                // Two adjacent full panels (32 columns) go to the Vector512 kernel, which reads both.
                bool wide = wideIsa && jl + 2 * MicroCols <= jEnd;
                float* bPanel = BPanel(ref job, p0, kc, jl / MicroCols);
                float* bias = addBias ? job.Bias + j : null;
                for (int i = iStart; i < iEnd; i += MicroRows)
                {
                    int rows = Math.Min(MicroRows, job.M - i);
                    float* aPanel = APanel(ref job, p0, kc, i / MicroRows);
                    float* cTile = job.C + (long)i * job.Ldc + j;
                    if (wide)
                    {
                        if (rows == MicroRows)
                        {
                            MicroKernel512(aPanel, bPanel, bPanel + MicroCols * kc, kc, cTile, job.Ldc, load, bias);
                        }
                        else
                        {
                            EdgeTile(job.Isa, aPanel, bPanel, kc, cTile, job.Ldc, rows, MicroCols, load, bias, edge, biasCopy);
                            EdgeTile(job.Isa, aPanel, bPanel + MicroCols * kc, kc, cTile + MicroCols, job.Ldc, rows, MicroCols, load,
                                bias == null ? null : bias + MicroCols, edge, biasCopy);
                        }
                    }
                    else if (rows == MicroRows && cols == MicroCols)
                    {
                        MicroKernel(job.Isa, aPanel, bPanel, kc, cTile, job.Ldc, load, bias);
                    }
                    else
                    {
                        EdgeTile(job.Isa, aPanel, bPanel, kc, cTile, job.Ldc, rows, cols, load, bias, edge, biasCopy);
                    }
                }
                jl += wide ? 2 * MicroCols : MicroCols;
            }
        }
    }

    /// <summary>A partial tile: the same kernel on a padded copy, so every element sees the same arithmetic.</summary>
    private static unsafe void EdgeTile(GemmIsa isa, float* aPanel, float* bPanel, int kc, float* cTile, int ldc, int rows, int cols,
        bool load, float* bias, float* edge, float* biasCopy)
    {
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
                new ReadOnlySpan<float>(cTile + (long)r * ldc, cols).CopyTo(new Span<float>(edge + r * MicroCols, cols));
            }
        }
        MicroKernel(isa, aPanel, bPanel, kc, edge, MicroCols, load, edgeBias);
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(edge + r * MicroCols, cols).CopyTo(new Span<float>(cTile + (long)r * ldc, cols));
        }
    }

    /// <summary>One 6×16 tile: Vector256 (AVX2/AVX-512 machines) or Vector128 (<see cref="GemmIsa.Portable"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MicroKernel(GemmIsa isa, float* a, float* b, int kc, float* c, int ldc, bool load, float* bias)
    {
        if (isa == GemmIsa.Portable)
        {
            MicroKernel128(a, b, kc, c, ldc, load, bias);
        }
        else
        {
            MicroKernel256(a, b, kc, c, ldc, load, bias);
        }
    }

    /// <summary>C[6×32] = (load ? C : 0) + bias + Σ_p a[p]·[b0[p] b1[p]] with 12 Vector512 accumulators; b0 and b1
    /// are two adjacent packed 16-column panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MicroKernel512(float* a, float* b0p, float* b1p, int kc, float* c, int ldc, bool load, float* bias)
    {
        const int H = MicroCols;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + H);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + H);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + H);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + H);
            c40 = Vector512.Load(c + 4 * ldc); c41 = Vector512.Load(c + 4 * ldc + H);
            c50 = Vector512.Load(c + 5 * ldc); c51 = Vector512.Load(c + 5 * ldc + H);
            if (bias != null)
            {
                Vector512<float> b0 = Vector512.Load(bias), b1 = Vector512.Load(bias + H);
                c00 += b0; c01 += b1; c10 += b0; c11 += b1; c20 += b0; c21 += b1;
                c30 += b0; c31 += b1; c40 += b0; c41 += b1; c50 += b0; c51 += b1;
            }
        }
        else if (bias != null)
        {
            Vector512<float> b0 = Vector512.Load(bias), b1 = Vector512.Load(bias + H);
            c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1;
            c30 = b0; c31 = b1; c40 = b0; c41 = b1; c50 = b0; c51 = b1;
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
        }
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b0p), b1 = Vector512.Load(b1p);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00); c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10); c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20); c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30); c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40); c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50); c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            a += MicroRows;
            b0p += MicroCols;
            b1p += MicroCols;
        }
        c00.Store(c); c01.Store(c + H);
        c10.Store(c + ldc); c11.Store(c + ldc + H);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + H);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + H);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + H);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + H);
    }

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
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
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

    /// <summary>The portable 6×16 tile: 24 Vector128 accumulators (NEON has 32 registers; on x64 some spill).</summary>
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
                row[0] = Vector128.FusedMultiplyAdd(av, b0, row[0]);
                row[1] = Vector128.FusedMultiplyAdd(av, b1, row[1]);
                row[2] = Vector128.FusedMultiplyAdd(av, b2, row[2]);
                row[3] = Vector128.FusedMultiplyAdd(av, b3, row[3]);
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
}
