namespace InvarLock.Numerics.Tests;

public sealed class FiniteCheckTests
{
    [Fact]
    public void CountNonFinite_FindsEveryNaNAndInfinity()
    {
        float[] x = new float[103];
        x[5] = float.NaN;
        x[64] = float.PositiveInfinity;
        x[102] = float.NegativeInfinity;
        Assert.Equal(3, FiniteCheck.CountNonFinite(x));
    }

    [Fact]
    public void AllFinite_DetectsNaN()
    {
        Assert.True(FiniteCheck.AllFinite([]));
        Assert.True(FiniteCheck.AllFinite([1.0, -2.0]));
        Assert.False(FiniteCheck.AllFinite([1.0, double.NaN]));
        Assert.False(FiniteCheck.AllFinite([double.NegativeInfinity]));
    }
}
