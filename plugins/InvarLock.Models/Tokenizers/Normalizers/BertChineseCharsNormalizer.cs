using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>BertNormalizer</c>'s <c>handle_chinese_chars</c>: a space on each side of every CJK ideograph.</summary>
internal sealed class BertChineseCharsNormalizer : CharMapNormalizer
{
    protected override int Map(Rune rune, Span<char> output)
    {
        if (!UnicodeClasses.IsChineseChar(rune))
        {
            return rune.EncodeToUtf16(output);
        }
        output[0] = ' ';
        int n = rune.EncodeToUtf16(output[1..]);
        output[n + 1] = ' ';
        return n + 2;
    }
}
