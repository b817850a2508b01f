using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>StripAccents</c>: removes combining marks (general category M). Meant to follow <c>NFD</c>.</summary>
internal sealed class StripAccentsNormalizer : CharMapNormalizer
{
    protected override int Map(Rune rune, Span<char> output) =>
        UnicodeClasses.IsMark(rune) ? 0 : rune.EncodeToUtf16(output);
}
