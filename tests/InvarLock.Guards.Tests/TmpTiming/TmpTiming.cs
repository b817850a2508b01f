using System.Diagnostics;
using InvarLock.Guards.Numerics;
using Xunit.Abstractions;

namespace InvarLock.Guards.Tests.TmpTiming;

public class TmpTiming(ITestOutputHelper output)
{
    [Fact]
    public void Time_768x3072()
    {
        int rows = 768, cols = 3072;
        var rng = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() - 0.5);
        double Best(Func<double> f, out double val) { val = f(); double best = double.MaxValue; for (int r = 0; r < 20; r++) { var sw = Stopwatch.StartNew(); val = f(); best = Math.Min(best, sw.Elapsed.TotalMilliseconds); } return best; }
        output.WriteLine($"guards SigmaMax(float,MT): {Best(() => PowerIteration.SigmaMax(w, rows, cols, 4), out double a):F2} ms sigma={a:R}");
        output.WriteLine($"compute TopSingularValue: {Best(() => InvarLock.Compute.PowerIteration.TopSingularValue(w, rows, cols, 4), out double b):F2} ms sigma={b:R}");
        output.WriteLine($"prepare stats (frob+rowcol): {Best(() => MatrixStatistics.FrobeniusSquared(w) + MatrixStatistics.RowColumnNormExtrema(w, rows, cols).CollapseRatio, out _):F2} ms");
    }
}
