using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Guards.Common;

/// <summary>RFC 8785 (JSON Canonicalization Scheme) serialisation and the digests built on it.</summary>
/// <remarks>Object keys are sorted by UTF-16 code units, no insignificant whitespace, strings escaped minimally,
/// numbers written as ECMAScript's <c>Number.prototype.toString</c> does. Plugins may not reference core, so the guards
/// carry their own copy of this small writer.</remarks>
internal static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>First 16 lower-case hex digits of SHA-256 over the canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    public static string ShortHash(JsonNode? node)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(node)));
        return Convert.ToHexStringLower(digest)[..16];
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
            {
                var keys = new List<string>(obj.Count);
                foreach (KeyValuePair<string, JsonNode?> kv in obj)
                {
                    keys.Add(kv.Key);
                }
                keys.Sort(StringComparer.Ordinal);
                sb.Append('{');
                for (int i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    WriteString(sb, keys[i]);
                    sb.Append(':');
                    Write(sb, obj[keys[i]]);
                }
                sb.Append('}');
                break;
            }
            case JsonArray arr:
                sb.Append('[');
                for (int i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, arr[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        string raw = value.ToJsonString();
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, JsonSerializer.Deserialize<string>(raw)!);
                break;
            case JsonValueKind.Number:
                sb.Append(FormatNumber(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>ECMAScript number-to-string of a finite double (shortest round-trip digits).</summary>
    public static string FormatNumber(double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), "canonical JSON has no NaN or infinity");
        }
        if (x == 0)
        {
            return "0";
        }
        string shortest = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture);
        ParseDigits(shortest, out string digits, out int exp10);
        // value = 0.d1..dk × 10^n
        int k = digits.Length;
        int n = exp10;
        var sb = new StringBuilder();
        if (x < 0)
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
            int e = n - 1;
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }
            sb.Append('e').Append(e >= 0 ? "+" : "-").Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Splits a .NET "R" string into significant digits and n with value = 0.digits × 10^n.</summary>
    private static void ParseDigits(string s, out string digits, out int n)
    {
        int exp = 0;
        int ePos = s.IndexOfAny(['E', 'e']);
        string mantissa = s;
        if (ePos >= 0)
        {
            exp = int.Parse(s.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = s[..ePos];
        }
        int dot = mantissa.IndexOf('.');
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        string all = intPart + fracPart;
        int pointPos = intPart.Length + exp; // value = 0.all × 10^pointPos
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
        {
            lead++;
        }
        all = all[lead..];
        pointPos -= lead;
        digits = all.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        n = pointPos;
    }
}
