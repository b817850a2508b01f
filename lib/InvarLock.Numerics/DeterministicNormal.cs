namespace InvarLock.Numerics;

/// <summary>Standard normal draws by Box–Muller on <see cref="SplitMix64"/>, with the logarithm and sine/cosine of
/// <see cref="DeterministicMath"/>, so the draws are bit-identical on every platform (the C runtime's log/cos may differ
/// in the last bit between systems).</summary>
/// <remarks>Each pair of uniforms u₁ ∈ (0, 1], u₂ ∈ [0, 1) gives r = √(−2 ln u₁) and the two draws r·cos 2πu₂ (returned
/// first) and r·sin 2πu₂ (kept for the next call). A mutable struct: pass it by <c>ref</c> to keep one stream.</remarks>
/// <param name="seed">The <see cref="SplitMix64"/> seed.</param>
public struct DeterministicNormal(ulong seed)
{
    private SplitMix64 _rng = new(seed);
    private double _spare;
    private bool _hasSpare;

    /// <summary>The next N(0, 1) value.</summary>
    public double Next()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double u1 = 1.0 - _rng.NextDouble();      // (0, 1]: log is finite
        double u2 = _rng.NextDouble();            // [0, 1)
        double radius = Math.Sqrt(-2.0 * DeterministicMath.Log(u1));
        DeterministicMath.SinCosTurns(u2, out double sin, out double cos);
        _spare = radius * sin;
        _hasSpare = true;
        return radius * cos;
    }
}
