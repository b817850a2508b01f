namespace InvarLock.Numerics;

/// <summary>Elementary functions computed with IEEE-754 additions, multiplications, divisions and square roots only,
/// so they give the same bits on every OS and CPU (the platform <see cref="Math.Exp"/>/<see cref="Math.Log"/> come
/// from the C runtime and may differ in the last bit between Windows, Linux and macOS).</summary>
/// <remarks>
/// <para><see cref="Exp"/> and <see cref="Log"/> follow the classic fdlibm algorithms (argument reduction by ln 2 and
/// a minimax polynomial; error below 1 ulp). <see cref="Log2"/>, <see cref="Log10"/> and <see cref="Pow"/> are built
/// on them; <see cref="SinCosTurns"/> is a Taylor series on a quarter-turn reduced argument. The normal distribution
/// lives in <see cref="NormalDistribution"/>.</para>
/// <para>Every statistic a report carries (perplexities, ratios, bootstrap bounds) goes through these functions so
/// <c>invarlock verify</c> recomputes the stored numbers bit for bit on any machine.</para>
/// </remarks>
public static class DeterministicMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double ExpOverflow = 7.09782712893383973096e+02;
    private const double ExpUnderflow = -7.45133219101941108420e+02;
    private const double P1 = 1.66666666666666019037e-01;
    private const double P2 = -2.77777777770155933842e-03;
    private const double P3 = 6.61375632143793436117e-05;
    private const double P4 = -1.65339022054652515390e-06;
    private const double P5 = 4.13813679705723846039e-08;
    private const double Two54 = 1.80143985094819840000e+16;
    private const double Ln10 = 2.30258509299404568402;
    private const double HalfPi = 1.57079632679489661923;
    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;

    /// <summary>e^x (fdlibm <c>__ieee754_exp</c>).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > ExpOverflow)
        {
            return double.PositiveInfinity;
        }

        if (x < ExpUnderflow)
        {
            return 0.0;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int hx = (int)(bits >> 32);
        int xsb = (hx >> 31) & 1;
        hx &= 0x7fffffff;
        double hi = 0, lo = 0;
        int k = 0;
        if (hx > 0x3fd62e42)
        {
            // |x| > 0.5 ln2
            if (hx < 0x3ff0a2b2)
            {
                // |x| < 1.5 ln2
                hi = xsb == 0 ? x - Ln2Hi : x + Ln2Hi;
                lo = xsb == 0 ? Ln2Lo : -Ln2Lo;
                k = 1 - xsb - xsb;
            }
            else
            {
                k = (int)(InvLn2 * x + (xsb == 0 ? 0.5 : -0.5));
                double t = k;
                hi = x - t * Ln2Hi;
                lo = t * Ln2Lo;
            }

            x = hi - lo;
        }
        else if (hx < 0x3e300000)
        {
            // |x| < 2^-28
            return 1.0 + x;
        }

        double tt = x * x;
        double c = x - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
        if (k == 0)
        {
            return 1.0 - ((x * c) / (c - 2.0) - x);
        }

        double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
        if (k >= -1021)
        {
            return BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(y) + ((long)k << 52));
        }

        double scaled = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(y) + ((long)(k + 1000) << 52));
        return scaled * 9.33263618503218878990e-302; // 2^-1000
    }

    /// <summary>ln x (fdlibm <c>__ieee754_log</c>); −∞ at 0, NaN below 0.</summary>
    public static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int hx = (int)(bits >> 32);
        uint lx = (uint)bits;
        int k = 0;
        if (hx < 0x00100000)
        {
            if (((hx & 0x7fffffff) | (int)lx) == 0)
            {
                return double.NegativeInfinity;
            }

            if (hx < 0)
            {
                return double.NaN;
            }

            k -= 54;
            x *= Two54;
            hx = (int)(BitConverter.DoubleToInt64Bits(x) >> 32);
        }

        if (hx >= 0x7ff00000)
        {
            return x + x;
        }

        k += (hx >> 20) - 1023;
        hx &= 0x000fffff;
        int i = (hx + 0x95f64) & 0x100000;
        long xbits = BitConverter.DoubleToInt64Bits(x);
        xbits = (xbits & 0xffffffffL) | ((long)(hx | (i ^ 0x3ff00000)) << 32);
        x = BitConverter.Int64BitsToDouble(xbits);
        k += i >> 20;
        double f = x - 1.0;
        double dk;
        if ((0x000fffff & (2 + hx)) < 3)
        {
            if (f == 0.0)
            {
                if (k == 0)
                {
                    return 0.0;
                }

                dk = k;
                return dk * Ln2Hi + dk * Ln2Lo;
            }

            double rr = f * f * (0.5 - 0.33333333333333333 * f);
            if (k == 0)
            {
                return f - rr;
            }

            dk = k;
            return dk * Ln2Hi - ((rr - dk * Ln2Lo) - f);
        }

        double s = f / (2.0 + f);
        dk = k;
        double z = s * s;
        i = hx - 0x6147a;
        double w = z * z;
        int j = 0x6b851 - hx;
        double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
        double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
        i |= j;
        double r = t2 + t1;
        if (i > 0)
        {
            double hfsq = 0.5 * f * f;
            if (k == 0)
            {
                return f - (hfsq - s * (hfsq + r));
            }

            return dk * Ln2Hi - ((hfsq - (s * (hfsq + r) + dk * Ln2Lo)) - f);
        }

        if (k == 0)
        {
            return f - s * (f - r);
        }

        return dk * Ln2Hi - ((s * (f - r) - dk * Ln2Lo) - f);
    }

    /// <summary>log₂ x = ln x / ln 2, exact at powers of two; −∞ at 0, NaN below 0.</summary>
    public static double Log2(double x)
    {
        if (x > 0 && double.IsFinite(x))
        {
            long bits = BitConverter.DoubleToInt64Bits(x);
            if ((bits & 0x000FFFFFFFFFFFFFL) == 0 && (bits >> 52) != 0)
            {
                return (int)(bits >> 52) - 1023; // an exact power of two
            }
        }

        return Log(x) * InvLn2;
    }

    /// <summary>log₁₀ x = ln x / ln 10; −∞ at 0, NaN below 0.</summary>
    public static double Log10(double x) => Log(x) / Ln10;

    /// <summary>xʸ for x ≥ 0 (and for x &lt; 0 with an integer y): exact for y = 0, 1, 2, ½ and for x = 1; integer
    /// exponents up to 64 by repeated squaring; otherwise e^(y·ln x), whose error grows with |y·ln x| (about
    /// |y·ln x|·2⁻⁵³ relative) but is the same on every machine.</summary>
    public static double Pow(double x, double y)
    {
        if (y == 0.0 || x == 1.0)
        {
            return 1.0;
        }

        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.NaN;
        }

        if (y == 1.0)
        {
            return x;
        }

        if (y == 0.5 && x >= 0)
        {
            return Math.Sqrt(x);
        }

        bool integer = Math.Floor(y) == y && Math.Abs(y) <= 64;
        if (integer)
        {
            long n = (long)Math.Abs(y);
            double result = 1.0;
            double b = x;
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    result *= b;
                }

                b *= b;
                n >>= 1;
            }

            return y < 0 ? 1.0 / result : result;
        }

        if (x < 0)
        {
            return double.NaN;
        }

        if (x == 0.0)
        {
            return y > 0 ? 0.0 : double.PositiveInfinity;
        }

        return Exp(y * Log(x));
    }

    /// <summary>sin and cos of 2π·<paramref name="turns"/> for turns in [0, 1): the argument is reduced to the nearest
    /// quarter turn exactly and the rest, within ±π/4, goes through Taylor series to degree 21/20 (truncation error
    /// below 1e-20).</summary>
    public static void SinCosTurns(double turns, out double sin, out double cos)
    {
        double quarters = turns * 4.0;                  // exact
        double k = Math.Floor(quarters + 0.5);
        double angle = (quarters - k) * HalfPi;         // [−π/4, π/4]
        double a2 = angle * angle;
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
