using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InvarLock.Compute;

/// <summary>Fixed-budget power iteration for the largest singular value, as the spectral and RMT guards specify it
/// (guards.md §3.2 <c>power_iter_sigma_max</c> and §4.4 <c>_activation_edge_risk</c>).</summary>
/// <remarks>
/// <para>The matrix is row-major float32 <c>rows × cols</c> exactly as stored (a Hugging Face <c>Conv1D</c> weight is
/// passed as its stored <c>[in, out]</c>; an N-D tensor as <c>(shape[0], rest)</c>). With a finite iteration budget the
/// estimate depends on the orientation, so pass the stored layout.</para>
/// <para>Algorithm: <c>v = start / max(‖start‖₂, ε)</c>; then exactly <c>iterations</c> rounds (no early stop) of
/// <c>u = W v; σ = max(‖u‖₂, ε)</c> (non-finite σ ends the estimate), <c>u = u / σ; v = Wᵀ u; v = v / max(‖v‖₂, ε)</c>;
/// the result is the last σ. ε = <see cref="Epsilon"/>. The vectors and every accumulation are double precision over
/// the float32 matrix, so results match a float64 reference to ~1e-12 relative.</para>
/// <para>Threads: on matrices of at least <see cref="ParallelEntries"/> entries the two products run on up to
/// <c>threads</c> workers (0 = <see cref="ComputeEnvironment.Threads"/>). <c>W v</c> is split over contiguous row
/// ranges (each <c>u[i]</c> is one row dot); <c>Wᵀ u</c> over contiguous column blocks, each accumulating its
/// <c>v[j0..j1)</c> over all rows in increasing order. Every output element is therefore computed by exactly the same
/// operations in the same order whatever the split, so results are bit-identical for any thread count.</para>
/// </remarks>
public static class PowerIteration
{
    /// <summary>The clamp ε of the reference (<c>1e-12</c>).</summary>
    public const double Epsilon = 1e-12;

    /// <summary>Matrices with fewer entries (1 MiB of float32) run on the calling thread only.</summary>
    internal const long ParallelEntries = 1L << 18;

    /// <summary>Narrowest column block of a parallel <c>Wᵀ u</c> (a multiple of the 8-float vector step).</summary>
    private const int MinColumnBlock = 64;

    /// <summary>The spectral guard's estimator of σ_max(W) (guards.md §3.2).</summary>
    /// <param name="matrix">W, row-major, at least <paramref name="rows"/> × <paramref name="cols"/> values.</param>
    /// <param name="rows">Rows of W.</param>
    /// <param name="cols">Columns of W.</param>
    /// <param name="iterations">Rounds to run (the reference's default is 4); values below 1 run one round.</param>
    /// <param name="start">The start vector (default all-ones).</param>
    /// <param name="threads">Worker threads for large matrices; 0 means <see cref="ComputeEnvironment.Threads"/>.
    /// The result does not depend on it.</param>
    /// <returns>The last σ; 0.0 for an empty matrix or when σ becomes non-finite (for example a NaN entry);
    /// 1e-12 for an all-zero matrix (the ε clamp).</returns>
    public static double TopSingularValue(ReadOnlySpan<float> matrix, int rows, int cols, int iterations = 4,
        PowerIterationStart start = PowerIterationStart.Ones, int threads = 0)
    {
        CheckShape(matrix, rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (rows == 0 || cols == 0)
        {
            return 0.0;
        }
        double sigma = Run(matrix, rows, cols, 0.0, 1.0, iterations, start, threads);
        return double.IsFinite(sigma) ? sigma : 0.0;
    }

    /// <summary>Row blocks of <see cref="TopSingularValue(MatrixRowsReader, int, int, int, PowerIterationStart, int)"/>
    /// hold about this many entries (4 MiB of float32: small enough to stay in cache between being read and being
    /// multiplied; on a 4096 × 4096 matrix streaming then costs about 10% over the whole-matrix estimator).</summary>
    internal const int StreamBlockEntries = 1 << 20;

    /// <summary>The spectral guard's estimator of σ_max(W) for a matrix read in row blocks: the same algorithm and
    /// bit-identical result as <see cref="TopSingularValue(ReadOnlySpan{float}, int, int, int, PowerIterationStart, int)"/>,
    /// holding one block of about 1 Mi entries at a time instead of the whole matrix (each round reads the matrix
    /// twice: once for <c>W v</c>, once for <c>Wᵀ u</c>).</summary>
    /// <param name="readRows">Copies rows of W into a block buffer.</param>
    /// <param name="rows">Rows of W.</param>
    /// <param name="cols">Columns of W.</param>
    /// <param name="iterations">Rounds to run (the reference's default is 4); values below 1 run one round.</param>
    /// <param name="start">The start vector (default all-ones).</param>
    /// <param name="threads">Worker threads for large matrices; 0 means <see cref="ComputeEnvironment.Threads"/>.
    /// The result does not depend on it.</param>
    /// <returns>As the span overload: the last σ; 0.0 for an empty matrix or a non-finite σ; 1e-12 for an all-zero
    /// matrix.</returns>
    public static double TopSingularValue(MatrixRowsReader readRows, int rows, int cols, int iterations = 4,
        PowerIterationStart start = PowerIterationStart.Ones, int threads = 0) =>
        TopSingularValue(readRows, rows, cols, iterations, start, threads, StreamBlockEntries);

    /// <summary>The streaming estimator with an explicit block size (tests use small blocks).</summary>
    internal static double TopSingularValue(MatrixRowsReader readRows, int rows, int cols, int iterations,
        PowerIterationStart start, int threads, int blockEntries)
    {
        ArgumentNullException.ThrowIfNull(readRows);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockEntries, 1);
        if (rows == 0 || cols == 0)
        {
            return 0.0;
        }
        int workers = (long)rows * cols < ParallelEntries ? 1 : ComputeEnvironment.ResolveThreads(threads);
        int blockRows = (int)Math.Clamp(blockEntries / cols, 1, rows);
        float[] block = new float[(long)blockRows * cols];
        void ForEachBlock(Action<MatrixVectorProducts, int> run)
        {
            for (int r0 = 0; r0 < rows; r0 += blockRows)
            {
                int n = Math.Min(blockRows, rows - r0);
                Span<float> rowsSpan = block.AsSpan(0, n * cols);
                readRows(r0, n, rowsSpan);
                unsafe
                {
                    fixed (float* p = block)
                    {
                        run(new MatrixVectorProducts(p, n, cols, workers), r0);
                    }
                }
            }
        }
        double sigma = Iterate(rows, cols, 0.0, 1.0, iterations, start,
            (v, u) => ForEachBlock((products, r0) => products.Multiply(v, u, r0)),
            (u, v) => ForEachBlock((products, r0) => products.MultiplyTransposed(u, r0, v, accumulate: r0 > 0)));
        return double.IsFinite(sigma) ? sigma : 0.0;
    }

    /// <summary>σ_max of the implicitly whitened matrix <c>A' = (A − mean) / scale</c>, never materialised
    /// (guards.md §4.4): <c>A'v = (A v − mean·Σv·1) / scale</c>, <c>A'ᵀu = (Aᵀu − mean·Σu·1) / scale</c>.</summary>
    /// <param name="matrix">A, row-major.</param>
    /// <param name="rows">Rows of A (tokens).</param>
    /// <param name="cols">Columns of A (width).</param>
    /// <param name="mean">The scalar subtracted from every entry.</param>
    /// <param name="scale">The positive scalar every entry is divided by.</param>
    /// <param name="iterations">Rounds to run (the RMT guard's default is 3); values below 1 run one round.</param>
    /// <param name="start">The start vector.</param>
    /// <param name="threads">Worker threads for large matrices; 0 means <see cref="ComputeEnvironment.Threads"/>.
    /// The result does not depend on it.</param>
    /// <returns>The last σ, or NaN when it became non-finite or the matrix is empty.</returns>
    public static double WhitenedTopSingularValue(ReadOnlySpan<float> matrix, int rows, int cols, double mean, double scale,
        int iterations = 3, PowerIterationStart start = PowerIterationStart.Ones, int threads = 0)
    {
        CheckShape(matrix, rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (rows == 0 || cols == 0 || !double.IsFinite(mean) || !double.IsFinite(scale) || scale <= 0)
        {
            return double.NaN;
        }
        return Run(matrix, rows, cols, mean, scale, iterations, start, threads);
    }

    /// <summary>The RMT guard's edge-risk score of one activation matrix (tokens × width), guards.md §4.4:
    /// global scalar whitening with <c>μ = mean(A)</c>, <c>s = sqrt(max(mean(A²) − μ², ε))</c>, then
    /// <c>risk = σ̂ / max(√rows + √cols, ε)</c> where σ̂ is <see cref="WhitenedTopSingularValue"/>.</summary>
    /// <param name="activations">A, row-major.</param>
    /// <param name="rows">Tokens (m).</param>
    /// <param name="cols">Width (n).</param>
    /// <param name="iterations">Power-iteration rounds (default 3).</param>
    /// <param name="start">The start vector.</param>
    /// <param name="threads">Worker threads for large matrices; 0 means <see cref="ComputeEnvironment.Threads"/>.
    /// The result does not depend on it.</param>
    /// <returns>The score, or null when the reference skips the activation: empty, any non-finite entry,
    /// a non-finite or non-positive scale, or a non-finite σ̂.</returns>
    public static EdgeRisk? ActivationEdgeRisk(ReadOnlySpan<float> activations, int rows, int cols, int iterations = 3,
        PowerIterationStart start = PowerIterationStart.Ones, int threads = 0)
    {
        CheckShape(activations, rows, cols);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (rows == 0 || cols == 0)
        {
            return null;
        }
        ReadOnlySpan<float> a = activations[..(rows * cols)];
        double sum = 0.0, sumSquares = 0.0;
        foreach (float x in a)
        {
            if (!float.IsFinite(x))
            {
                return null;
            }
            sum += x;
            sumSquares += (double)x * x;
        }
        double count = (double)rows * cols;
        double mean = sum / count;
        double variance = sumSquares / count - mean * mean;
        double scale = Math.Sqrt(Math.Max(variance, Epsilon));
        if (!double.IsFinite(scale) || scale <= 0)
        {
            return null;
        }
        double edge = Math.Sqrt(rows) + Math.Sqrt(cols);
        double sigma = Run(a, rows, cols, mean, scale, iterations, start, threads);
        if (!double.IsFinite(sigma) || !double.IsFinite(edge) || edge <= 0)
        {
            return null;
        }
        return new EdgeRisk(sigma / Math.Max(edge, Epsilon), sigma, edge);
    }

    private static unsafe double Run(ReadOnlySpan<float> w, int rows, int cols, double mean, double scale, int iterations,
        PowerIterationStart start, int threads)
    {
        int workers = (long)rows * cols < ParallelEntries ? 1 : ComputeEnvironment.ResolveThreads(threads);
        fixed (float* matrix = w)
        {
            var products = new MatrixVectorProducts(matrix, rows, cols, workers);
            return Iterate(rows, cols, mean, scale, iterations, start,
                (v, u) => products.Multiply(v, u, 0), (u, v) => products.MultiplyTransposed(u, 0, v, accumulate: false));
        }
    }

    /// <summary>The power-iteration rounds over the two products <paramref name="multiply"/> (u = W v) and
    /// <paramref name="multiplyTransposed"/> (v = Wᵀ u), with the optional implicit whitening.</summary>
    private static double Iterate(int rows, int cols, double mean, double scale, int iterations, PowerIterationStart start,
        Action<double[], double[]> multiply, Action<double[], double[]> multiplyTransposed)
    {
        iterations = Math.Max(1, iterations);
        bool shifted = mean != 0.0 || scale != 1.0;
        var v = new double[cols];
        var u = new double[rows];
        if (start == PowerIterationStart.E0)
        {
            v[0] = 1.0;
        }
        else
        {
            Array.Fill(v, 1.0);
        }
        Scale(v, 1.0 / Math.Max(Norm(v), Epsilon));
        double sigma = double.NaN;
        for (int it = 0; it < iterations; it++)
        {
            multiply(v, u);
            if (shifted)
            {
                Shift(u, mean * Sum(v), scale);
            }
            sigma = Math.Max(Norm(u), Epsilon);
            if (!double.IsFinite(sigma))
            {
                return double.NaN;
            }
            Scale(u, 1.0 / sigma);
            multiplyTransposed(u, v);
            if (shifted)
            {
                Shift(v, mean * Sum(u), scale);
            }
            Scale(v, 1.0 / Math.Max(Norm(v), Epsilon));
        }
        return sigma;
    }

    private static void CheckShape(ReadOnlySpan<float> matrix, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (matrix.Length < (long)rows * cols)
        {
            throw new ArgumentException($"matrix holds {matrix.Length} values, {rows}×{cols} needs {(long)rows * cols}", nameof(matrix));
        }
    }

    private static void Shift(double[] x, double subtract, double scale)
    {
        double inv = 1.0 / scale;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (x[i] - subtract) * inv;
        }
    }

    private static void Scale(double[] x, double factor)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= factor;
        }
    }

    private static double Sum(double[] x)
    {
        double s = 0.0;
        foreach (double d in x)
        {
            s += d;
        }
        return s;
    }

    private static double Norm(double[] x)
    {
        double s = 0.0;
        foreach (double d in x)
        {
            s += d * d;
        }
        return Math.Sqrt(s);
    }

    /// <summary>Σ row[j]·v[j] in double: four 4-lane accumulators over 16-float steps, one over a final 8-float step,
    /// combined in a fixed order, then a scalar tail. The order depends only on the row length.</summary>
    private static double Dot(ReadOnlySpan<float> row, ReadOnlySpan<double> v)
    {
        int n = row.Length;
        if (v.Length < n)
        {
            throw new ArgumentException("vector shorter than the row", nameof(v));
        }
        int j = 0;
        double total = 0.0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref float r = ref MemoryMarshal.GetReference(row);
            ref double x = ref MemoryMarshal.GetReference(v);
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            Vector256<double> acc2 = Vector256<double>.Zero, acc3 = Vector256<double>.Zero;
            for (; j + 16 <= n; j += 16)
            {
                var (a0, a1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
                var (a2, a3) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)(j + 8)));
                acc0 += a0 * Vector256.LoadUnsafe(ref x, (nuint)j);
                acc1 += a1 * Vector256.LoadUnsafe(ref x, (nuint)(j + 4));
                acc2 += a2 * Vector256.LoadUnsafe(ref x, (nuint)(j + 8));
                acc3 += a3 * Vector256.LoadUnsafe(ref x, (nuint)(j + 12));
            }
            if (j + 8 <= n)
            {
                var (a0, a1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
                acc0 += a0 * Vector256.LoadUnsafe(ref x, (nuint)j);
                acc1 += a1 * Vector256.LoadUnsafe(ref x, (nuint)(j + 4));
                j += 8;
            }
            total = Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }
        for (; j < n; j++)
        {
            total += row[j] * v[j];
        }
        return total;
    }

    /// <summary>acc[j] += alpha·row[j] in double (an unfused multiply then add for every element, vector or scalar, so
    /// each element's value does not depend on where a block starts).</summary>
    private static void AddScaled(ReadOnlySpan<float> row, double alpha, Span<double> acc)
    {
        int n = row.Length;
        if (acc.Length < n)
        {
            throw new ArgumentException("accumulator shorter than the row", nameof(acc));
        }
        int j = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref float r = ref MemoryMarshal.GetReference(row);
            ref double a = ref MemoryMarshal.GetReference(acc);
            Vector256<double> s = Vector256.Create(alpha);
            for (; j + 16 <= n; j += 16)
            {
                var (a0, a1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
                var (a2, a3) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)(j + 8)));
                (Vector256.LoadUnsafe(ref a, (nuint)j) + a0 * s).StoreUnsafe(ref a, (nuint)j);
                (Vector256.LoadUnsafe(ref a, (nuint)(j + 4)) + a1 * s).StoreUnsafe(ref a, (nuint)(j + 4));
                (Vector256.LoadUnsafe(ref a, (nuint)(j + 8)) + a2 * s).StoreUnsafe(ref a, (nuint)(j + 8));
                (Vector256.LoadUnsafe(ref a, (nuint)(j + 12)) + a3 * s).StoreUnsafe(ref a, (nuint)(j + 12));
            }
            if (j + 8 <= n)
            {
                var (a0, a1) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)j));
                (Vector256.LoadUnsafe(ref a, (nuint)j) + a0 * s).StoreUnsafe(ref a, (nuint)j);
                (Vector256.LoadUnsafe(ref a, (nuint)(j + 4)) + a1 * s).StoreUnsafe(ref a, (nuint)(j + 4));
                j += 8;
            }
        }
        for (; j < n; j++)
        {
            acc[j] += alpha * row[j];
        }
    }

    /// <summary>The two products of one power iteration over a pinned row-major matrix, split over
    /// <see cref="MatrixVectorProducts.Workers"/> threads without changing any output element's arithmetic.</summary>
    private sealed unsafe class MatrixVectorProducts(float* matrix, int rows, int cols, int workers)
    {
        private readonly nint _matrix = (nint)matrix;

        /// <summary>Threads used (1 = the calling thread only).</summary>
        public int Workers { get; } = workers;

        /// <summary>u[uOffset + i] = (W v)[i] for this matrix's rows: row dots over contiguous row ranges, one range per
        /// worker.</summary>
        public void Multiply(double[] v, double[] u, int uOffset)
        {
            int parts = Math.Min(Workers, rows);
            if (parts <= 1)
            {
                MultiplyRows(v, u, uOffset, 0, rows);
                return;
            }
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
                p => MultiplyRows(v, u, uOffset, (int)((long)rows * p / parts), (int)((long)rows * (p + 1) / parts)));
        }

        /// <summary>v = Wᵀ u[uOffset..] (or v += that when <paramref name="accumulate"/>, for the next row block of a
        /// streamed matrix): column blocks (multiples of 8 wide, at least <see cref="MinColumnBlock"/>), each accumulated
        /// over all rows in increasing order.</summary>
        public void MultiplyTransposed(double[] u, int uOffset, double[] v, bool accumulate)
        {
            int block = RoundUp(Math.Max(MinColumnBlock, (cols + Workers - 1) / Workers), 8);
            int parts = (cols + block - 1) / block;
            if (Workers <= 1 || parts <= 1)
            {
                AccumulateColumns(u, uOffset, v, 0, cols, accumulate);
                return;
            }
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Workers },
                p => AccumulateColumns(u, uOffset, v, p * block, Math.Min(cols, (p + 1) * block), accumulate));
        }

        private void MultiplyRows(double[] v, double[] u, int uOffset, int rowStart, int rowEnd)
        {
            float* w = (float*)_matrix;
            for (int i = rowStart; i < rowEnd; i++)
            {
                u[uOffset + i] = Dot(new ReadOnlySpan<float>(w + (long)i * cols, cols), v);
            }
        }

        private void AccumulateColumns(double[] u, int uOffset, double[] v, int colStart, int colEnd, bool accumulate)
        {
            float* w = (float*)_matrix + colStart;
            int width = colEnd - colStart;
            Span<double> acc = v.AsSpan(colStart, width);
            if (!accumulate)
            {
                acc.Clear();
            }
            for (int i = 0; i < rows; i++)
            {
                AddScaled(new ReadOnlySpan<float>(w + (long)i * cols, width), u[uOffset + i], acc);
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    }
}
