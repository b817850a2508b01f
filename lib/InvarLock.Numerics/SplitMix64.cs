namespace InvarLock.Numerics;

/// <summary>SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fully specified 64-bit generator, identical on every platform.</summary>
/// <remarks>
/// <para>The state advances by the golden-ratio increment 0x9E3779B97F4A7C15; the output mix is
/// <c>z = (z ^ (z &gt;&gt; 30)) · 0xBF58476D1CE4E5B9; z = (z ^ (z &gt;&gt; 27)) · 0x94D049BB133111EB; z ^ (z &gt;&gt; 31)</c>.
/// Doubles take the top 53 bits.</para>
/// <para>Two documented ways to draw a bounded integer, each fixed because streams already depend on it:
/// <see cref="NextInt"/> is Lemire's 64-bit multiply with rejection (exactly uniform; the guards' resampling), and
/// <see cref="NextIntMultiplyShift"/> is a single 32×32-bit multiply-shift without rejection (bias below 2⁻³² for
/// small bounds; the synthetic corpus).</para>
/// <para>A mutable struct: pass it by <c>ref</c> to keep one stream; a copy continues independently.</para>
/// </remarks>
/// <param name="seed">The initial state.</param>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An exactly uniform integer in [0, <paramref name="bound"/>): Lemire's multiply-and-reject on 64-bit outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is not positive.</exception>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong b = (ulong)bound;
        ulong threshold = (0UL - b) % b;
        while (true)
        {
            ulong hi = Math.BigMul(NextUInt64(), b, out ulong lo);
            if (lo >= threshold)
            {
                return (int)hi;
            }
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) from one draw: (top 32 bits · bound) ≫ 32, no rejection
    /// (bias below 2⁻³² for small bounds).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is not positive.</exception>
    public int NextIntMultiplyShift(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)((NextUInt64() >> 32) * (ulong)bound >> 32);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
