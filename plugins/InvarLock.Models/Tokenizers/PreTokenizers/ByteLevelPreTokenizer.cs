using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>ByteLevel</c>: optionally puts a space before each piece that lacks one (<c>add_prefix_space</c>),
/// optionally splits with GPT-2's pattern (<c>use_regex</c>, see <see cref="Gpt2PreTokenizer"/>), then writes each
/// UTF-8 byte as its byte-level char (<see cref="ByteLevelAlphabet"/>); every byte's char aligns to the char it
/// came from.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public void PreTokenize(List<NormalizedText> pieces)
    {
        var output = new List<NormalizedText>(pieces.Count * 4);
        foreach (var piece in pieces)
        {
            if (addPrefixSpace && !piece.Text.StartsWith(' '))
            {
                piece.Prepend(" ");
            }
            if (!useRegex)
            {
                output.Add(piece);
                continue;
            }
            string text = piece.Text;
            for (int position = 0; position < text.Length;)
            {
                int length = Gpt2PreTokenizer.NextTokenLength(text, position);
                output.Add(length == text.Length ? piece : piece.Slice(position, position + length));
                position += length;
            }
        }
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var piece in output)
        {
            string text = piece.Text;
            var builder = new NormalizedText.Builder(text.Length * 2);
            for (int i = 0; i < text.Length;)
            {
                Rune rune = Rune.GetRuneAt(text, i);
                int width = rune.Utf16SequenceLength;
                int n = rune.EncodeToUtf8(utf8);
                for (int b = 0; b < n; b++)
                {
                    builder.Append(ByteLevelAlphabet.ByteToChar[utf8[b]], piece.Starts[i], piece.Ends[i + width - 1]);
                }
                i += width;
            }
            piece.Replace(builder);
        }
        pieces.Clear();
        pieces.AddRange(output);
    }
}
