namespace InvarLock.Guards.Numerics;

/// <summary>Streams a row-major matrix in contiguous chunks (any boundaries) and gives the same ‖W‖_F² and row/column
/// norm extrema, bit for bit, as <see cref="MatrixStatistics.FrobeniusSquared"/> and
/// <see cref="MatrixStatistics.RowColumnNormExtrema"/> on the whole matrix: every sum runs in the same element order.</summary>
internal sealed class MatrixNormAccumulator(int rows, int cols)
{
    private readonly double[] _rowSq = new double[rows];
    private readonly double[] _colSq = new double[cols];
    private double _frobenius;

    /// <summary>Adds elements <c>[offset, offset + chunk.Length)</c>; chunks must arrive in order.</summary>
    public void Add(ReadOnlySpan<float> chunk, long offset)
    {
        int row = (int)(offset / cols);
        int col = (int)(offset % cols);
        for (int k = 0; k < chunk.Length; k++)
        {
            double x = chunk[k];
            double x2 = x * x;
            _frobenius += x2;
            _rowSq[row] += x2;
            _colSq[col] += x2;
            if (++col == cols)
            {
                col = 0;
                row++;
            }
        }
    }

    /// <summary>‖W‖_F² (0 when not finite).</summary>
    public double FrobeniusSquared => double.IsFinite(_frobenius) ? _frobenius : 0.0;

    /// <summary>The row/column norm extrema (consumes the accumulated sums).</summary>
    public NormExtrema Extrema()
    {
        (double rMin, double rMed, double rMax) = MatrixStatistics.SummariseSquares(_rowSq);
        (double cMin, double cMed, double cMax) = MatrixStatistics.SummariseSquares(_colSq);
        return new NormExtrema(rMin, rMed, rMax, cMin, cMed, cMax);
    }
}
