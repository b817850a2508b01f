namespace InvarLock.Compute.Tests;

/// <summary>The row-block streaming estimator gives bit-identical σ to the whole-matrix one, for any block size and
/// thread count, and reads each block through the reader.</summary>
public class StreamedPowerIterationTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = (float)(rng.NextDouble() - 0.5);
        }
        return w;
    }

    [Theory]
    [InlineData(7, 5, 1, 4, PowerIterationStart.Ones)]
    [InlineData(7, 5, 3, 4, PowerIterationStart.E0)]
    [InlineData(64, 33, 100, 4, PowerIterationStart.Ones)]
    [InlineData(600, 500, 60_000, 6, PowerIterationStart.Ones)]
    [InlineData(600, 500, 1 << 22, 3, PowerIterationStart.Ones)]
    public void TopSingularValue_Streamed_BitIdenticalToWholeMatrix(int rows, int cols, int blockEntries, int iterations, PowerIterationStart start)
    {
        float[] w = Random(rows * cols, rows + cols);
        int reads = 0;
        void Read(int first, int count, Span<float> destination)
        {
            reads++;
            Assert.Equal(count * cols, destination.Length);
            w.AsSpan(first * cols, count * cols).CopyTo(destination);
        }
        double whole = PowerIteration.TopSingularValue(w, rows, cols, iterations, start);
        foreach (int threads in new[] { 1, 3 })
        {
            reads = 0;
            double streamed = PowerIteration.TopSingularValue(Read, rows, cols, iterations, start, threads, blockEntries);
            Assert.Equal(whole, streamed);
            int blocks = (rows + Math.Clamp(blockEntries / cols, 1, rows) - 1) / Math.Clamp(blockEntries / cols, 1, rows);
            Assert.Equal(2 * iterations * blocks, reads);
        }
    }

    [Fact]
    public void TopSingularValue_StreamedEdgeCases_MatchWholeMatrix()
    {
        static MatrixRowsReader Of(float[] w, int cols) => (first, count, d) => w.AsSpan(first * cols, count * cols).CopyTo(d);
        Assert.Equal(1e-12, PowerIteration.TopSingularValue(Of(new float[12], 4), 3, 4));
        Assert.Equal(0.0, PowerIteration.TopSingularValue(Of([float.NaN, 1, 2, 3], 2), 2, 2));
        Assert.Equal(0.0, PowerIteration.TopSingularValue(Of([], 5), 0, 5));
        Assert.Equal(3.2565074373142053, PowerIteration.TopSingularValue(Of([3f, 1f, 0f, 2f], 2), 2, 2), 1e-12);
    }
}
