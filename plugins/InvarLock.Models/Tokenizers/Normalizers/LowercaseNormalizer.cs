using System.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Lowercase</c>: Rust's <c>char::to_lowercase</c> per scalar. That is the Unicode default lower-case
/// mapping without context (no final-sigma rule); it equals .NET's invariant simple mapping except for U+0130
/// (capital I with dot above), whose full mapping is <c>i</c> + U+0307.</summary>
internal sealed class LowercaseNormalizer : CharMapNormalizer
{
    protected override int Map(Rune rune, Span<char> output)
    {
        if (rune.Value == 0x130)
        {
            output[0] = 'i';
            output[1] = '\u0307';
            return 2;
        }
        return Rune.ToLowerInvariant(rune).EncodeToUtf16(output);
    }
}
