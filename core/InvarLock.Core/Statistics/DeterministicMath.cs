namespace InvarLock.Core.Statistics;

/// <summary>Elementary functions computed with IEEE-754 additions, multiplications, divisions and square roots only,
/// so they give the same bits on every OS and CPU (the platform <see cref="Math.Exp"/>/<see cref="Math.Log"/> come
/// from the C runtime and may differ in the last bit between Windows, Linux and macOS).</summary>
/// <remarks>
/// <para><see cref="Exp"/> and <see cref="Log"/> follow the classic fdlibm algorithms (argument reduction by ln 2 and
/// a minimax polynomial; error below 1 ulp). <see cref="Erf"/> uses the all-positive Taylor series
/// erf(x) = 2/√π·e^(−x²)·Σ (2x²)ⁿ·x / (2n+1)!! for |x| &lt; 2.5 and the Laplace continued fraction for erfc above.
/// <see cref="NormalQuantile"/> is Wichura's AS241 (PPND16), the algorithm of Python's
/// <c>statistics.NormalDist.inv_cdf</c>.</para>
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
    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.56418958354775628;
    private const double Sqrt2 = 1.4142135623730951;

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

    /// <summary>The error function erf(x), absolute error about 1e-16.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (2n+1)!!, every term positive.
            double twoX2 = 2.0 * ax * ax;
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= twoX2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            double value = TwoOverSqrtPi * Exp(-ax * ax) * sum;
            return x < 0 ? -value : value;
        }

        double erfc = Erfc(ax);
        return x < 0 ? erfc - 1.0 : 1.0 - erfc;
    }

    /// <summary>erfc(x) for x ≥ 2.5 by the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
    /// evaluated with the modified Lentz method.</summary>
    private static double Erfc(double x)
    {
        if (x > 27.3)
        {
            return 0.0; // below the smallest subnormal
        }

        const double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int n = 1; n < 500; n++)
        {
            double a = n * 0.5;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
            {
                break;
            }
        }

        return OneOverSqrtPi * Exp(-x * x) / f;
    }

    /// <summary>The standard normal CDF Φ(x) = (1 + erf(x/√2))/2, the form the reference uses.</summary>
    public static double NormalCdf(double x) => 0.5 * (1.0 + Erf(x / Sqrt2));

    /// <summary>The standard normal quantile Φ⁻¹(p) for 0 &lt; p &lt; 1 (Wichura AS241).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not strictly between 0 and 1.</exception>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0.0 && p < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The normal quantile needs 0 < p < 1.");
        }

        double q = p - 0.5;
        double num, den;
        if (Math.Abs(q) <= 0.425)
        {
            double r0 = 0.180625 - q * q;
            num = (((((((2.5090809287301226727e+3 * r0 + 3.3430575583588128105e+4) * r0 + 6.7265770927008700853e+4) * r0
                + 4.5921953931549871457e+4) * r0 + 1.3731693765509461125e+4) * r0 + 1.9715909503065514427e+3) * r0
                + 1.3314166789178437745e+2) * r0 + 3.3871328727963666080e+0) * q;
            den = ((((((5.2264952788528545610e+3 * r0 + 2.8729085735721942674e+4) * r0 + 3.9307895800092710610e+4) * r0
                + 2.1213794301586595867e+4) * r0 + 5.3941960214247511077e+3) * r0 + 6.8718700749205790830e+2) * r0
                + 4.2313330701600911252e+1) * r0 + 1.0;
            return num / den;
        }

        double r = q <= 0.0 ? p : 1.0 - p;
        r = Math.Sqrt(-Log(r));
        if (r <= 5.0)
        {
            r -= 1.6;
            num = ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
                + 1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r
                + 4.63033784615654529590e+0) * r + 1.42343711074968357734e+0;
            den = ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r
                + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r
                + 2.05319162663775882187e+0) * r + 1.0;
        }
        else
        {
            r -= 5.0;
            num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
                + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r
                + 5.46378491116411436990e+0) * r + 6.65790464350110377720e+0;
            den = ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r
                + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
                + 5.99832206555887937690e-1) * r + 1.0;
        }

        double x = num / den;
        return q < 0.0 ? -x : x;
    }
}
