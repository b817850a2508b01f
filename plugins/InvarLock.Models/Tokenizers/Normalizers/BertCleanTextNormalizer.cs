using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>BertNormalizer</c>'s <c>clean_text</c>: drops NUL, U+FFFD and control/format/unassigned/private-use
/// chars (keeping tab, LF, CR) and turns every whitespace char into a space.</summary>
internal sealed class BertCleanTextNormalizer : CharMapNormalizer
{
    protected override int Map(Rune rune, Span<char> output)
    {
        int v = rune.Value;
        if (v == 0 || v == 0xFFFD || (v is not ('\t' or '\n' or '\r') && UnicodeClasses.IsOther(rune)))
        {
            return 0;
        }
        if (v is '\t' or '\n' or '\r' || UnicodeClasses.IsWhitespace(rune))
        {
            output[0] = ' ';
            return 1;
        }
        return rune.EncodeToUtf16(output);
    }
}
