using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers;

/// <summary>Splits text into GPT-2 pre-tokens, equivalent to OpenAI's pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> run with Python's <c>regex</c>
/// module, written as a scanner over Unicode scalar values rather than a .NET <see cref="System.Text.RegularExpressions.Regex"/>:
/// .NET's regex classifies UTF-16 code units, so letters and digits outside the Basic Multilingual Plane (surrogate
/// pairs) would not match <c>\p{L}</c>/<c>\p{N}</c>.
/// <para>Classes: letter = general category L*, number = N*, space = Unicode White_Space (<see cref="char.IsWhiteSpace(char)"/>),
/// other = everything else (marks, punctuation, symbols, emoji, controls, lone surrogates). Contractions are
/// lower-case only, as in the original pattern.</para>
/// <para>Classes come from .NET's Unicode data (Unicode 16 in .NET 10). Python's <c>regex</c> and JavaScript engines
/// agree on every character assigned up to that version; they may differ on characters assigned later.</para></summary>
internal static class Gpt2PreTokenizer
{
    /// <summary>Returns the length of the pre-token that starts at <paramref name="start"/> (which must be inside
    /// <paramref name="text"/>).</summary>
    public static int NextTokenLength(ReadOnlySpan<char> text, int start)
    {
        char c = text[start];
        if (c == '\'')
        {
            int contraction = ContractionLength(text, start);
            if (contraction > 0)
            {
                return contraction;
            }
        }

        if (c == ' ' && start + 1 < text.Length)
        {
            var following = ScanClassifier.Classify(text, start + 1, out _);
            if (following != ScanClass.Space)
            {
                return RunEnd(text, start + 1, following) - start;
            }
        }

        var cls = ScanClassifier.Classify(text, start, out _);
        if (cls != ScanClass.Space)
        {
            return RunEnd(text, start, cls) - start;
        }

        int end = RunEnd(text, start, ScanClass.Space);
        if (end == text.Length || end - start == 1)
        {
            return end - start;
        }
        // \s+(?!\S): leave the last whitespace character so that it can lead the next token.
        return end - 1 - start;
    }

    private static int ContractionLength(ReadOnlySpan<char> text, int start)
    {
        if (start + 1 >= text.Length)
        {
            return 0;
        }
        char a = text[start + 1];
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }
        if (start + 2 >= text.Length)
        {
            return 0;
        }
        char b = text[start + 2];
        return (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') ? 3 : 0;
    }

    private static int RunEnd(ReadOnlySpan<char> text, int start, ScanClass cls)
    {
        int i = start;
        while (i < text.Length)
        {
            if (ScanClassifier.Classify(text, i, out int width) != cls)
            {
                break;
            }
            i += width;
        }
        return i;
    }
}
