using InvarLock.Data.Synthetic;

namespace InvarLock.Models.Generation;

/// <summary>Standard normal draws by Box–Muller on <see cref="SplitMix64"/>, with its own logarithm and sine/cosine
/// built from +, −, ×, ÷ and square root only. Those operations are correctly rounded by IEEE 754, so the draws are
/// bit-identical on every platform (the C runtime's log/cos may differ in the last bit between systems).</summary>
internal struct DeterministicNormal(ulong seed)
{
    private const double Ln2 = 0.69314718055994530942;
    private const double HalfPi = 1.57079632679489661923;
    private const double Sqrt2 = 1.41421356237309504880;

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
        double radius = Math.Sqrt(-2.0 * Log(u1));
        SinCosTurns(u2, out double sin, out double cos);
        _spare = radius * sin;
        _hasSpare = true;
        return radius * cos;
    }

    /// <summary>Natural logarithm for finite x &gt; 0: x = m·2^e with m in [√½, √2), ln m = 2·atanh((m−1)/(m+1)).</summary>
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first (exact).
            return Log(x * 18014398509481984.0) - 54 * Ln2; // 2^54
        }
        exponent -= 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m >= Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }
        double s = (m - 1.0) / (m + 1.0);   // |s| <= 0.1716
        double s2 = s * s;
        // atanh series to s^23: truncation error below 1e-19.
        double series = 1.0 / 23;
        for (int k = 21; k >= 1; k -= 2)
        {
            series = series * s2 + 1.0 / k;
        }
        return exponent * Ln2 + 2.0 * s * series;
    }

    /// <summary>sin and cos of 2π·<paramref name="turns"/> for turns in [0, 1).</summary>
    internal static void SinCosTurns(double turns, out double sin, out double cos)
    {
        double quarters = turns * 4.0;                  // exact
        double k = Math.Floor(quarters + 0.5);
        double angle = (quarters - k) * HalfPi;         // [−π/4, π/4]
        double a2 = angle * angle;
        // Taylor series to degree 21 / 20: truncation error below 1e-20 on |a| <= π/4.
        double s = 1.0;
        double c = 1.0;
        for (int n = 20; n >= 2; n -= 2)
        {
            s = 1.0 - s * a2 / ((n + 1) * n);
            c = 1.0 - c * a2 / (n * (n - 1));
        }
        s *= angle;
        switch (((int)k) & 3)
        {
            case 0: sin = s; cos = c; break;
            case 1: sin = c; cos = -s; break;
            case 2: sin = -s; cos = -c; break;
            default: sin = -c; cos = s; break;
        }
    }
}
