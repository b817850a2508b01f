using System.Globalization;
using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c>: Unicode normalization of the whole piece (.NET's
/// <see cref="string.Normalize(NormalizationForm)"/>, which follows the Unicode version of the runtime). The text is
/// always normalized as a whole; for alignment the piece is cut before each char that is not a combining mark and
/// each cut is normalized alone; when the cuts put together give the same text each output char aligns to its cut,
/// otherwise (rare: Hangul jamo, a few compositions across marks) every char aligns to the whole piece.</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        string source = text.Text;
        if (source.Length == 0 || source.IsNormalized(form))
        {
            return;
        }
        string whole = source.Normalize(form);
        if (!text.TracksAlignment)
        {
            text.ReplaceUntracked(whole);
            return;
        }
        var builder = text.NewBuilder(whole.Length);
        int segmentStart = 0;
        for (int i = 1; i <= source.Length; i++)
        {
            if (i < source.Length && (char.IsLowSurrogate(source[i]) || IsMark(source, i)))
            {
                continue;
            }
            string segment = source[segmentStart..i].Normalize(form);
            builder.Append(segment, text.Starts[segmentStart], text.Ends[i - 1]);
            segmentStart = i;
        }
        if (builder.Text.Length != whole.Length || builder.Text.ToString() != whole)
        {
            builder = text.NewBuilder(whole.Length);
            builder.Append(whole, text.Starts[0], text.Ends[^1]);
        }
        text.Replace(builder);
    }

    private static bool IsMark(string s, int i)
    {
        var category = char.IsHighSurrogate(s[i]) && i + 1 < s.Length
            ? CharUnicodeInfo.GetUnicodeCategory(s, i)
            : CharUnicodeInfo.GetUnicodeCategory(s[i]);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }
}
