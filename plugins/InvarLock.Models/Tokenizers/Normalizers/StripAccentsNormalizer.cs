using System.Globalization;
using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>StripAccents</c>: removes combining marks (general category M); meant to follow <c>NFD</c>.
/// <c>BertNormalizer</c>'s accent stripping removes only non-spacing marks (Mn), keeping spacing vowel signs such as
/// Khmer's, as Hugging Face does.</summary>
internal sealed class StripAccentsNormalizer(bool nonSpacingOnly) : CharMapNormalizer
{
    protected override int Map(Rune rune, Span<char> output)
    {
        bool strip = nonSpacingOnly ? Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark : UnicodeClasses.IsMark(rune);
        return strip ? 0 : rune.EncodeToUtf16(output);
    }
}
