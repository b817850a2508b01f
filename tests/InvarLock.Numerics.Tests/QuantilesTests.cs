namespace InvarLock.Numerics.Tests;

public sealed class QuantilesTests
{
    [Fact]
    public void Linear_InterpolatesAtQTimesNMinusOne()
    {
        Assert.Equal(2.5, Quantiles.Linear([1, 2, 3, 4], 0.5));
        Assert.Equal(7.0, Quantiles.Linear([7], 0.99));
        Assert.Equal(1.3, Quantiles.LinearSorted((double[])[1.0, 2.0], 0.3), 1e-15);
        Assert.True(double.IsNaN(Quantiles.LinearSorted(ReadOnlySpan<double>.Empty, 0.5)));
    }

    [Fact]
    public void LinearSorted_FloatOverload_AgreesWithDouble()
    {
        float[] f = [0.1f, 0.7f, 1.9f, 2.0f];
        double[] d = [.. f.Select(x => (double)x)];
        Assert.Equal(Quantiles.LinearSorted(d, 0.37), Quantiles.LinearSorted(f, 0.37));
    }

    [Fact]
    public void LinearSorted_UpperHalf_UsesNumpysSecondFormula()
    {
        // numpy evaluates b − (b − a)(1 − t) for t ≥ ½, which hits b exactly at t = 1 − 0.
        Assert.Equal(2.0, Quantiles.LinearSorted((double[])[1e-17, 2.0], 1.0));
        Assert.Equal(1.0 - (1.0 - 0.1) * 0.25, Quantiles.LinearSorted((double[])[0.1, 1.0], 0.75));
    }
}
