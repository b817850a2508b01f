using System.Globalization;

namespace InvarLock.Sdk.Canonical;

/// <summary>Formats a double the way ECMAScript's <c>Number.prototype.toString()</c> does, as RFC 8785 §3.2.2.3 requires:
/// the shortest digit string that round-trips, plain notation for exponents in [-6, 21), exponent form otherwise,
/// no negative zero.</summary>
public static class EcmaScriptNumber
{
    /// <summary>Formats <paramref name="value"/>; NaN and infinities have no JSON form and throw.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "NaN and infinities have no canonical JSON form.");
        }

        if (value == 0)
        {
            return "0"; // both +0 and -0
        }

        // .NET Core 3.0+ "R" yields the shortest round-trip digits, e.g. "1.2345E-07", "123.45", "1E+21".
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = r;
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..e];
        }

        int dot = mantissa.IndexOf('.');
        string digits;
        int pointPosition; // digits before the decimal point in the mantissa
        if (dot >= 0)
        {
            digits = string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
            pointPosition = dot;
        }
        else
        {
            digits = mantissa;
            pointPosition = mantissa.Length;
        }

        // Strip leading zeros (e.g. "0.00012") and trailing zeros (e.g. "1200").
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        pointPosition -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        // value = 0.d1d2...dk × 10^n
        int k = digits.Length;
        int n = pointPosition + exponent;
        var sb = new System.Text.StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            int exp = n - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
