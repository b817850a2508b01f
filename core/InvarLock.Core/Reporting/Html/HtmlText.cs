using System.Globalization;
using System.Text;

namespace InvarLock.Core.Reporting.Html;

/// <summary>Escaping and number formatting for the HTML page. Every string that comes from a report passes through
/// <see cref="Escape"/> before it reaches the page, in text and in attribute values alike.</summary>
internal static class HtmlText
{
    /// <summary>Escapes the five characters that matter in HTML text and quoted attributes (&amp; &lt; &gt; " ').
    /// Control characters other than tab and line ends are dropped, so no report string can break the markup.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when char.IsControl(c) && c is not ('\t' or '\n' or '\r') => string.Empty,
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>A number with up to <paramref name="decimals"/> decimals (trailing zeros dropped), or <c>n/a</c>.</summary>
    public static string Number(double? value, int decimals = 6)
    {
        if (value is not double d || !double.IsFinite(d))
        {
            return "n/a";
        }

        string format = decimals <= 0 ? "0" : "0." + new string('#', decimals);
        string s = d.ToString(format, CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    /// <summary>A number with exactly <paramref name="decimals"/> decimals (for table columns), or <c>n/a</c>.</summary>
    public static string Fixed(double? value, int decimals) =>
        value is double d && double.IsFinite(d) ? d.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";

    /// <summary>A coordinate for SVG attributes: two decimals, invariant culture.</summary>
    public static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
