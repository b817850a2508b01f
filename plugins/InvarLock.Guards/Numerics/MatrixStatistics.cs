using InvarLock.Compute;

namespace InvarLock.Guards.Numerics;

/// <summary>Row/column L2-norm summaries of a matrix (guards.md §3.2).</summary>
internal readonly record struct NormExtrema(double RowMin, double RowMedian, double RowMax, double ColMin, double ColMedian, double ColMax)
{
    /// <summary><c>min(row_min / row_median, col_min / col_median)</c>, each median clamped at eps.</summary>
    public double CollapseRatio =>
        Math.Min(RowMin / Math.Max(RowMedian, PowerIteration.Epsilon), ColMin / Math.Max(ColMedian, PowerIteration.Epsilon));
}

/// <summary>Weight-matrix statistics used by the spectral guard's degeneracy checks.</summary>
internal static class MatrixStatistics
{
    /// <summary>‖W‖_F² accumulated in double; 0 when empty or when any value is not finite.</summary>
    public static double FrobeniusSquared(ReadOnlySpan<float> w)
    {
        double s = 0.0;
        foreach (float f in w)
        {
            s += (double)f * f;
        }
        return double.IsFinite(s) ? s : 0.0;
    }

    /// <summary>‖W‖_F² / max(σ², eps); 0 when σ is not a positive finite number.</summary>
    public static double StableRank(double frobeniusSquared, double sigma) =>
        !double.IsFinite(sigma) || sigma <= 0 ? 0.0 : frobeniusSquared / Math.Max(sigma * sigma, PowerIteration.Epsilon);

    /// <summary>Min / median / max of the row norms and of the column norms, each norm clamped at eps; zeros when empty.</summary>
    public static NormExtrema RowColumnNormExtrema(ReadOnlySpan<float> w, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0)
        {
            return default;
        }
        var acc = new MatrixNormAccumulator(rows, cols);
        acc.Add(w[..(rows * cols)], 0);
        return acc.Extrema();
    }

    internal static (double Min, double Median, double Max) SummariseSquares(double[] squares) => Summarise(squares);

    private static (double Min, double Median, double Max) Summarise(double[] squares)
    {
        for (int i = 0; i < squares.Length; i++)
        {
            squares[i] = Math.Max(Math.Sqrt(squares[i]), PowerIteration.Epsilon);
        }
        Array.Sort(squares);
        int n = squares.Length;
        double median = n % 2 == 1 ? squares[n / 2] : 0.5 * (squares[(n / 2) - 1] + squares[n / 2]);
        return (squares[0], median, squares[n - 1]);
    }
}
