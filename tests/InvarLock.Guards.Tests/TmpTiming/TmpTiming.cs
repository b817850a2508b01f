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
        for (int rep = 0; rep < 3; rep++) {
        output.WriteLine($"OLD guards float MT: {Best(() => OldGuardPowerIteration.SigmaMax(w, rows, cols, 4), out double o1):F2} ms sigma={o1:R}");
        output.WriteLine($"OLD compute serial: {Best(() => OldComputePowerIteration.TopSingularValue(w, rows, cols, 4), out double o2):F2} ms sigma={o2:R}");
        output.WriteLine($"compute TopSingularValue t=1: {Best(() => InvarLock.Compute.PowerIteration.TopSingularValue(w, rows, cols, 4, threads: 1), out double a):F2} ms sigma={a:R}");
        output.WriteLine($"compute TopSingularValue t=2: {Best(() => InvarLock.Compute.PowerIteration.TopSingularValue(w, rows, cols, 4, threads: 2), out double b):F2} ms sigma={b:R}");
        }
        output.WriteLine($"prepare stats (frob+rowcol): {Best(() => MatrixStatistics.FrobeniusSquared(w) + MatrixStatistics.RowColumnNormExtrema(w, rows, cols).CollapseRatio, out _):F2} ms");
    }
}
