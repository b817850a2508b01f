using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>A <c>{"Regex": ...}</c> pattern, written for Oniguruma (Hugging Face's engine), run on .NET's
/// backtracking engine with these adaptations (docs/tokenizers.md, "Regex"):
/// <list type="bullet">
/// <item>.NET classifies UTF-16 code units, so a letter or digit outside the Basic Multilingual Plane (a surrogate
/// pair) would match neither <c>\p{L}</c> nor <c>\p{N}</c> but would match <c>[^\s\p{L}\p{N}]</c> twice. Text
/// holding surrogate pairs is matched on a stand-in copy where each supplementary scalar is one BMP char of the same
/// general category (for example U+1D400 MATHEMATICAL BOLD CAPITAL A, an Lu, stands as U+2C00, also Lu); match
/// offsets are mapped back to the real text. Patterns with their own supplementary literals are matched on the real
/// text.</item>
/// <item><c>\w</c> is rewritten to Oniguruma's word class, Unicode's Alphabetic + Mark + Nd + Pc + Join_Control:
/// <c>[\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\u200C\u200D\u24B6-\u24E9]</c> (.NET's takes only Mn of the marks, and
/// neither Nl, ZWNJ/ZWJ nor the circled letters); <c>\W</c> outside a class likewise; <c>\s</c>, <c>\d</c>, <c>\p{..}</c> categories, <c>(?i:...)</c>, lookahead and <c>{m,n}</c> mean the
/// same in both.</item>
/// <item>Syntax .NET lacks (possessive quantifiers, <c>\h</c>, script names such as <c>\p{Han}</c>) is refused when
/// the file is read, with the parser's message.</item>
/// <item>Each match attempt has a time limit (<see cref="MatchTimeout"/>); past it the text fails with one error
/// rather than hanging on a catastrophic pattern.</item>
/// </list></summary>
internal sealed class RegexPattern : SplitPattern
{
    /// <summary>The longest one match may take.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);

    private readonly Regex _regex;
    private readonly bool _substituteSupplementary;
    private readonly string _source;

    /// <exception cref="ArgumentException">The pattern does not parse (the message says why).</exception>
    public RegexPattern(string pattern, string source)
    {
        Pattern = pattern;
        _source = source;
        _regex = new Regex(Rewrite(pattern), RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        _substituteSupplementary = !pattern.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
    }

    /// <summary>The pattern as written in the file.</summary>
    public string Pattern { get; }

    public override void Matches(string text, List<(int Start, int End)> output)
    {
        if (_substituteSupplementary && text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            MatchesWithStandIns(text, output);
            return;
        }
        MatchesOn(text, null, output);
    }

    private void MatchesWithStandIns(string text, List<(int Start, int End)> output)
    {
        var standIn = new StringBuilder(text.Length);
        var realIndex = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            realIndex.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                standIn.Append(StandIn(char.ConvertToUtf32(text[i], text[i + 1]), CharUnicodeInfo.GetUnicodeCategory(text, i)));
                i += 2;
            }
            else
            {
                standIn.Append(text[i]);
                i++;
            }
        }
        realIndex.Add(text.Length);
        MatchesOn(standIn.ToString(), realIndex, output);
    }

    private void MatchesOn(string text, List<int>? realIndex, List<(int Start, int End)> output)
    {
        try
        {
            foreach (ValueMatch match in _regex.EnumerateMatches(text))
            {
                int start = match.Index;
                int end = match.Index + match.Length;
                output.Add(realIndex is null ? (start, end) : (realIndex[start], realIndex[end]));
            }
        }
        catch (RegexMatchTimeoutException)
        {
            throw TooSlow();
        }
    }

    private InvarLockException TooSlow() => new(ErrorCodes.MalformedTokenizer,
        $"{_source}: regex /{Pattern}/ took longer than {MatchTimeout.TotalSeconds:0} s on one match (catastrophic backtracking?)");

    /// <summary>A BMP char of the same general category as a supplementary scalar (the Alphabetic symbols
    /// U+1F130..U+1F189 stand as U+24B6, also an Alphabetic So).</summary>
    internal static char StandIn(int scalar, UnicodeCategory category) => scalar is >= 0x1F130 and <= 0x1F189 ? '\u24B6' : category switch
    {
        UnicodeCategory.UppercaseLetter => '\u2C00',
        UnicodeCategory.LowercaseLetter => '\u2C30',
        UnicodeCategory.TitlecaseLetter => '\u1F88',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u2D30',
        UnicodeCategory.NonSpacingMark => '\u1DC0',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u1040',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u2460',
        UnicodeCategory.ConnectorPunctuation => '\u2040',
        UnicodeCategory.DashPunctuation => '\u2E3A',
        UnicodeCategory.OpenPunctuation => '\u2E22',
        UnicodeCategory.ClosePunctuation => '\u2E23',
        UnicodeCategory.InitialQuotePunctuation => '\u2E1C',
        UnicodeCategory.FinalQuotePunctuation => '\u2E1D',
        UnicodeCategory.OtherPunctuation => '\u2E2E',
        UnicodeCategory.MathSymbol => '\u2A00',
        UnicodeCategory.CurrencySymbol => '\u20A0',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u4DC0',
        UnicodeCategory.Format => '\u2061',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u0378', // unassigned
    };

    /// <summary>Rewrites Oniguruma's <c>\w</c>/<c>\W</c> to .NET classes with the same meaning.</summary>
    internal static string Rewrite(string pattern)
    {
        const string Word = @"\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\u200C\u200D\u24B6-\u24E9";
        var sb = new StringBuilder(pattern.Length + 16);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char n = pattern[i + 1];
                i++;
                if (n == 'w')
                {
                    sb.Append(inClass ? Word : "[" + Word + "]");
                }
                else if (n == 'W' && !inClass)
                {
                    sb.Append("[^" + Word + "]");
                }
                else
                {
                    sb.Append(c).Append(n);
                }
                continue;
            }
            if (c == '[' && !inClass)
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append(']');
                    i++;
                }
                continue;
            }
            if (c == ']' && inClass)
            {
                inClass = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
