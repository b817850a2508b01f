using System.Numerics.Tensors;

namespace InvarLock.Guards.Tests.TmpTiming;

/// <summary>How the power iteration's start vector is chosen.</summary>
internal enum OldInit
{
    /// <summary>The all-ones vector (normalised).</summary>
    Ones,
    /// <summary>The first unit vector.</summary>
    E0,
}

/// <summary>Fixed-budget power iteration for the largest singular value of a row-major float32 matrix (guards.md §3.2, §4.4).</summary>
/// <remarks>
/// Exactly <c>iters</c> rounds, no early stop: <c>u = M v; σ = max(‖u‖, eps); u /= σ; v = Mᵀ u; v /= max(‖v‖, eps)</c>; returns the last σ.
/// <c>M = (W − shift·1·1ᵀ) / scale</c> is applied implicitly, so the RMT guard's globally whitened activations are never materialised.
/// Norms accumulate in double. Rows are processed in fixed blocks whose partial results are combined in block order, so the
/// result does not depend on the number of threads.
/// </remarks>
internal static class OldGuardPowerIteration
{
    public const double Eps = 1e-12;
    private const int RowBlock = 256;
    private const long ParallelThreshold = 1L << 18;

    public static double SigmaMax(ReadOnlySpan<float> matrix, int rows, int cols, int iters, OldInit init = OldInit.Ones,
        double shift = 0.0, double scale = 1.0)
    {
        if (rows <= 0 || cols <= 0 || matrix.Length < (long)rows * cols)
        {
            return 0.0;
        }
        unsafe
        {
            fixed (float* p = matrix)
            {
                return SigmaMax(p, rows, cols, Math.Max(1, iters), init, shift, scale);
            }
        }
    }

    private static unsafe double SigmaMax(float* w, int rows, int cols, int iters, OldInit init, double shift, double scale)
    {
        float[] v = new float[cols];
        float[] u = new float[rows];
        if (init == OldInit.E0)
        {
            v[0] = 1f;
        }
        else
        {
            float inv = (float)(1.0 / Math.Max(Math.Sqrt(cols), Eps));
            Array.Fill(v, inv);
        }
        double sigma = 0.0;
        bool parallel = (long)rows * cols >= ParallelThreshold;
        for (int it = 0; it < iters; it++)
        {
            // u = M v
            MatVec(w, rows, cols, v, u, parallel);
            if (shift != 0.0 || scale != 1.0)
            {
                double sumV = SumDouble(v);
                float sub = (float)(shift * sumV);
                float invScale = (float)(1.0 / scale);
                for (int i = 0; i < u.Length; i++)
                {
                    u[i] = (u[i] - sub) * invScale;
                }
            }
            double normU = NormDouble(u);
            sigma = Math.Max(normU, Eps);
            if (!double.IsFinite(sigma))
            {
                return 0.0;
            }
            TensorPrimitives.Multiply(u, (float)(1.0 / sigma), u);
            // v = Mᵀ u
            MatTVec(w, rows, cols, u, v, parallel);
            if (shift != 0.0 || scale != 1.0)
            {
                double sumU = SumDouble(u);
                float sub = (float)(shift * sumU);
                float invScale = (float)(1.0 / scale);
                for (int j = 0; j < v.Length; j++)
                {
                    v[j] = (v[j] - sub) * invScale;
                }
            }
            double normV = Math.Max(NormDouble(v), Eps);
            if (!double.IsFinite(normV))
            {
                return 0.0;
            }
            TensorPrimitives.Multiply(v, (float)(1.0 / normV), v);
        }
        return sigma;
    }

    private static unsafe void MatVec(float* w, int rows, int cols, float[] v, float[] u, bool parallel)
    {
        nint basePtr = (nint)w;
        if (!parallel)
        {
            for (int i = 0; i < rows; i++)
            {
                u[i] = RowDot((float*)basePtr, i, cols, v);
            }
            return;
        }
        int blocks = (rows + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, b =>
        {
            int start = b * RowBlock;
            int end = Math.Min(rows, start + RowBlock);
            for (int i = start; i < end; i++)
            {
                u[i] = RowDot((float*)basePtr, i, cols, v);
            }
        });
    }

    private static unsafe float RowDot(float* w, int row, int cols, float[] v) =>
        TensorPrimitives.Dot(new ReadOnlySpan<float>(w + (long)row * cols, cols), v);

    private static unsafe void MatTVec(float* w, int rows, int cols, float[] u, float[] v, bool parallel)
    {
        int blocks = (rows + RowBlock - 1) / RowBlock;
        if (!parallel || blocks == 1)
        {
            Array.Clear(v);
            AccumulateBlock(w, 0, rows, cols, u, v);
            return;
        }
        float[][] partial = new float[blocks][];
        nint basePtr = (nint)w;
        Parallel.For(0, blocks, b =>
        {
            float[] acc = new float[cols];
            int start = b * RowBlock;
            AccumulateBlock((float*)basePtr, start, Math.Min(rows, start + RowBlock), cols, u, acc);
            partial[b] = acc;
        });
        Array.Copy(partial[0], v, cols);
        for (int b = 1; b < blocks; b++)
        {
            TensorPrimitives.Add(v, partial[b], v);
        }
    }

    private static unsafe void AccumulateBlock(float* w, int start, int end, int cols, float[] u, float[] acc)
    {
        for (int i = start; i < end; i++)
        {
            float ui = u[i];
            if (ui == 0f)
            {
                continue;
            }
            var row = new ReadOnlySpan<float>(w + (long)i * cols, cols);
            TensorPrimitives.MultiplyAdd(row, ui, acc, acc);
        }
    }

    internal static double NormDouble(ReadOnlySpan<float> x)
    {
        double s = 0.0;
        foreach (float f in x)
        {
            s += (double)f * f;
        }
        return Math.Sqrt(s);
    }

    internal static double SumDouble(ReadOnlySpan<float> x)
    {
        double s = 0.0;
        foreach (float f in x)
        {
            s += f;
        }
        return s;
    }
}
