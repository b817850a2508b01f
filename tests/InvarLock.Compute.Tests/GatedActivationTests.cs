namespace InvarLock.Compute.Tests;

public class GatedActivationTests
{
    private static double SiluReference(double x) => x / (1 + Math.Exp(-x));

    private static double GeluTanhReference(double x) =>
        0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    [Fact]
    public void Silu_MatchesDoubleReference()
    {
        float[] x = TestData.Random(3000, seed: 1, scale: 12f);
        var y = new float[x.Length];
        Activations.Silu(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = SiluReference(x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 1e-6 * Math.Abs(expected) + 1e-7, $"silu({x[i]}) = {y[i]}, reference {expected}");
        }
    }

    [Fact]
    public void SwiGlu_MatchesDoubleReference()
    {
        float[] gate = TestData.Random(2500, seed: 2, scale: 8f);
        float[] up = TestData.Random(2500, seed: 3, scale: 2f);
        var y = new float[gate.Length];
        Activations.SwiGlu(gate, up, y);
        for (int i = 0; i < y.Length; i++)
        {
            double expected = SiluReference(gate[i]) * up[i];
            Assert.True(Math.Abs(y[i] - expected) <= 2e-6 * Math.Abs(expected) + 1e-7, $"element {i}: {y[i]} vs {expected}");
        }
    }

    [Fact]
    public void GeGluTanh_EqualsGeluTanhTimesUp()
    {
        float[] gate = TestData.Random(2100, seed: 4, scale: 5f);
        float[] up = TestData.Random(2100, seed: 5);
        var gelu = new float[gate.Length];
        Activations.GeluTanh(gate, gelu);
        var y = new float[gate.Length];
        Activations.GeGluTanh(gate, up, y);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(gelu[i] * up[i], y[i]);
            double expected = GeluTanhReference(gate[i]) * up[i];
            Assert.True(Math.Abs(y[i] - expected) <= 2e-6 * Math.Abs(expected) + 1e-6);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedGateUpRows_EqualSeparateBuffers(bool gelu)
    {
        // Phi-3 gate_up_proj output: [rows, 2·width], gate in the first half of each row.
        const int rows = 7, width = 1500;
        float[] fused = TestData.Random(rows * 2 * width, seed: 6, scale: 4f);
        var gate = new float[rows * width];
        var up = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            fused.AsSpan(r * 2 * width, width).CopyTo(gate.AsSpan(r * width));
            fused.AsSpan(r * 2 * width + width, width).CopyTo(up.AsSpan(r * width));
        }
        var expected = new float[rows * width];
        var actual = new float[rows * width];
        if (gelu)
        {
            Activations.GeGluTanh(gate, up, expected);
            Activations.GeGluTanh(fused, 2 * width, fused.AsSpan(width), 2 * width, actual, width, rows, width);
        }
        else
        {
            Activations.SwiGlu(gate, up, expected);
            Activations.SwiGlu(fused, 2 * width, fused.AsSpan(width), 2 * width, actual, width, rows, width);
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SwiGlu_OutputAliasingGate_MatchesSeparateOutput()
    {
        float[] gate = TestData.Random(1800, seed: 7, scale: 4f);
        float[] up = TestData.Random(1800, seed: 8);
        var expected = new float[gate.Length];
        Activations.SwiGlu(gate, up, expected);
        Activations.SwiGlu(gate, up, gate);
        Assert.Equal(expected, gate);
    }

    [Fact]
    public void SwiGlu_Threads_GiveIdenticalResults()
    {
        // Long enough (rows × width ≥ 2 × 65536) to run in parallel, with a row wider than one parallel chunk.
        const int rows = 3, width = 70000;
        float[] gate = TestData.Random(rows * width, seed: 9, scale: 6f);
        float[] up = TestData.Random(rows * width, seed: 10);
        var one = new float[gate.Length];
        Activations.SwiGlu(gate, width, up, width, one, width, rows, width, threads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = new float[gate.Length];
            Activations.SwiGlu(gate, width, up, width, many, width, rows, width, threads);
            Assert.Equal(one, many);
        }
    }

    [Fact]
    public void SwiGlu_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => Activations.SwiGlu(new float[4], new float[3], new float[4]));
    }
}
