using InvarLock.Guards.Numerics;

namespace InvarLock.Guards.Tests.Numerics;

public class MatrixNormAccumulatorTests
{
    [Theory]
    [InlineData(9, 7, 1)]
    [InlineData(9, 7, 5)]
    [InlineData(9, 7, 63)]
    [InlineData(40, 33, 100)]
    public void Add_AnyChunking_BitIdenticalToWholeMatrixStatistics(int rows, int cols, int chunk)
    {
        var rng = new Random(rows * cols + chunk);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        var acc = new MatrixNormAccumulator(rows, cols);
        for (int offset = 0; offset < w.Length; offset += chunk)
        {
            acc.Add(w.AsSpan(offset, Math.Min(chunk, w.Length - offset)), offset);
        }
        Assert.Equal(MatrixStatistics.FrobeniusSquared(w), acc.FrobeniusSquared);
        Assert.Equal(MatrixStatistics.RowColumnNormExtrema(w, rows, cols), acc.Extrema());
    }

    [Fact]
    public void FrobeniusSquared_NonFinite_IsZero()
    {
        var acc = new MatrixNormAccumulator(1, 2);
        acc.Add([float.PositiveInfinity, 1f], 0);
        Assert.Equal(0.0, acc.FrobeniusSquared);
    }
}
