using System.Runtime.Intrinsics;

namespace InvarLock.Guards.Tests.TmpTiming;
using InvarLock.Compute;

/// <summary>Fixed-budget power iteration for the largest singular value, as the spectral and RMT guards specify it
/// (guards.md §3.2 <c>power_iter_sigma_max</c> and §4.4 <c>_activation_edge_risk</c>).</summary>
/// <remarks>
/// <para>The matrix is row-major float32 <c>rows × cols</c> exactly as stored (a Hugging Face <c>Conv1D</c> weight is
/// passed as its stored <c>[in, out]</c>; an N-D tensor as <c>(shape[0], rest)</c>). With a finite iteration budget the
/// estimate depends on the orientation, so pass the stored layout.</para>
/// <para>Algorithm: <c>v = start / max(‖start‖₂, ε)</c>; then exactly <c>iterations</c> rounds (no early stop) of
/// <c>u = W v; σ = max(‖u‖₂, ε)</c> (non-finite σ ends the estimate), <c>u = u / σ; v = Wᵀ u; v = v / max(‖v‖₂, ε)</c>;
/// the result is the last σ. ε = <see cref="Epsilon"/>. The vectors and every accumulation are double precision over
/// the float32 matrix, so results match a float64 reference to ~1e-12 relative and never depend on threads
/// (the kernels are single-threaded and run in a fixed order).</para>
/// </remarks>
internal static class OldComputePowerIteration
{
    /// <summary>The clamp ε of the reference (<c>1e-12</c>).</summary>
    public const double Epsilon = 1e-12;

    /// <summary>The spectral guard's estimator of σ_max(W) (guards.md §3.2).</summary>
    /// <param name="matrix">W, row-major, at least <paramref name="rows"/> × <paramref name="cols"/> values.</param>
    /// <param name="rows">Rows of W.</param>
    /// <param name="cols">Columns of W.</param>
    /// <param name="iterations">Rounds to run (the reference's default is 4); values below 1 run one round.</param>
    /// <param name="start">The start vector (default all-ones).</param>
    /// <returns>The last σ; 0.0 for an empty matrix or when σ becomes non-finite (for example a NaN entry);
    /// 1e-12 for an all-zero matrix (the ε clamp).</returns>
    internal static double TopSingularValue(ReadOnlySpan<float> matrix, int rows, int cols, int iterations = 4,
        PowerIterationStart start = PowerIterationStart.Ones)
    {
        CheckShape(matrix, rows, cols);
        if (rows == 0 || cols == 0)
        {
            return 0.0;
        }
        double sigma = Run(matrix, rows, cols, 0.0, 1.0, iterations, start);
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
    /// <returns>The last σ, or NaN when it became non-finite or the matrix is empty.</returns>
    internal static double WhitenedTopSingularValue(ReadOnlySpan<float> matrix, int rows, int cols, double mean, double scale,
        int iterations = 3, PowerIterationStart start = PowerIterationStart.Ones)
    {
        CheckShape(matrix, rows, cols);
        if (rows == 0 || cols == 0 || !double.IsFinite(mean) || !double.IsFinite(scale) || scale <= 0)
        {
            return double.NaN;
        }
        return Run(matrix, rows, cols, mean, scale, iterations, start);
    }

    /// <summary>The RMT guard's edge-risk score of one activation matrix (tokens × width), guards.md §4.4:
    /// global scalar whitening with <c>μ = mean(A)</c>, <c>s = sqrt(max(mean(A²) − μ², ε))</c>, then
    /// <c>risk = σ̂ / max(√rows + √cols, ε)</c> where σ̂ is <see cref="WhitenedTopSingularValue"/>.</summary>
    /// <param name="activations">A, row-major.</param>
    /// <param name="rows">Tokens (m).</param>
    /// <param name="cols">Width (n).</param>
    /// <param name="iterations">Power-iteration rounds (default 3).</param>
    /// <param name="start">The start vector.</param>
    /// <returns>The score, or null when the reference skips the activation: empty, any non-finite entry,
    /// a non-finite or non-positive scale, or a non-finite σ̂.</returns>
    internal static EdgeRisk? ActivationEdgeRisk(ReadOnlySpan<float> activations, int rows, int cols, int iterations = 3,
        PowerIterationStart start = PowerIterationStart.Ones)
    {
        CheckShape(activations, rows, cols);
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
        double sigma = Run(a, rows, cols, mean, scale, iterations, start);
        if (!double.IsFinite(sigma) || !double.IsFinite(edge) || edge <= 0)
        {
            return null;
        }
        return new EdgeRisk(sigma / Math.Max(edge, Epsilon), sigma, edge);
    }

    private static double Run(ReadOnlySpan<float> w, int rows, int cols, double mean, double scale, int iterations,
        PowerIterationStart start)
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
            // u = W v (row dots)
            for (int i = 0; i < rows; i++)
            {
                u[i] = Dot(w.Slice(i * cols, cols), v);
            }
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
            // v = Wᵀ u (row-wise accumulation, rows in increasing order)
            Array.Clear(v);
            for (int i = 0; i < rows; i++)
            {
                AddScaled(w.Slice(i * cols, cols), u[i], v);
            }
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

    /// <summary>Σ row[j]·v[j] in double (four interleaved lanes, combined in a fixed order).</summary>
    private static double Dot(ReadOnlySpan<float> row, double[] v)
    {
        int j = 0;
        double total = 0.0;
        if (Vector256.IsHardwareAccelerated && row.Length >= 8)
        {
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            ReadOnlySpan<double> vs = v;
            for (; j + 8 <= row.Length; j += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
                acc0 += lo * Vector256.Create(vs.Slice(j, 4));
                acc1 += hi * Vector256.Create(vs.Slice(j + 4, 4));
            }
            total = Vector256.Sum(acc0 + acc1);
        }
        for (; j < row.Length; j++)
        {
            total += row[j] * v[j];
        }
        return total;
    }

    /// <summary>acc[j] += alpha·row[j] in double.</summary>
    private static void AddScaled(ReadOnlySpan<float> row, double alpha, double[] acc)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= 8)
        {
            Span<double> a = acc;
            Vector256<double> s = Vector256.Create(alpha);
            for (; j + 8 <= row.Length; j += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
                (Vector256.Create((ReadOnlySpan<double>)a.Slice(j, 4)) + lo * s).CopyTo(a.Slice(j, 4));
                (Vector256.Create((ReadOnlySpan<double>)a.Slice(j + 4, 4)) + hi * s).CopyTo(a.Slice(j + 4, 4));
            }
        }
        for (; j < row.Length; j++)
        {
            acc[j] += alpha * row[j];
        }
    }
}
