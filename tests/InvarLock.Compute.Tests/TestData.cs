namespace InvarLock.Compute.Tests;

internal static class TestData
{
    /// <summary>Deterministic uniform values in [−1, 1).</summary>
    internal static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        }
        return data;
    }
}
