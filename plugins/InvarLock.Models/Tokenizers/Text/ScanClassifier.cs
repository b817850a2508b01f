using System.Globalization;

namespace InvarLock.Models.Tokenizers.Text;

/// <summary>The <see cref="ScanClass"/> of one Unicode scalar as .NET's regex engine sees it (<c>\s</c> is
/// <see cref="char.IsWhiteSpace(char)"/>; <c>\p{L}</c>/<c>\p{N}</c> are the general categories), with a surrogate pair
/// classified as the scalar it encodes (docs/tokenizers.md, "Regex"). ASCII is a table lookup.</summary>
internal static class ScanClassifier
{
    private static readonly ScanClass[] AsciiClasses = BuildAsciiClasses();

    /// <summary>The class of the scalar at <paramref name="index"/>; <paramref name="width"/> is its length in chars.</summary>
    public static ScanClass Classify(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        width = 1;
        if (c < 128)
        {
            return AsciiClasses[c];
        }
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            // No supplementary scalar is whitespace.
            width = 2;
            return FromCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1])));
        }
        return char.IsWhiteSpace(c) ? ScanClass.Space : FromCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    private static ScanClass FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => ScanClass.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => ScanClass.Number,
        _ => ScanClass.Other,
    };

    private static ScanClass[] BuildAsciiClasses()
    {
        var classes = new ScanClass[128];
        for (int c = 0; c < 128; c++)
        {
            classes[c] = char.IsWhiteSpace((char)c) ? ScanClass.Space : FromCategory(CharUnicodeInfo.GetUnicodeCategory((char)c));
        }
        return classes;
    }
}
