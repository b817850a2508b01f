using System.Buffers;
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
            if (!piece.TracksAlignment)
            {
                piece.ReplaceUntracked(ToByteLevelChars(text));
                continue;
            }
            var builder = piece.NewBuilder(text.Length * 2);
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

    /// <summary>Each UTF-8 byte of <paramref name="text"/> as its byte-level char (<see cref="ByteLevelAlphabet"/>),
    /// for a piece that does not track alignment.</summary>
    private static string ToByteLevelChars(string text)
    {
        int i = 0;
        while (i < text.Length && text[i] < 0x80 && ByteLevelAlphabet.ByteToChar[text[i]] == text[i])
        {
            i++;
        }
        if (i == text.Length)
        {
            return text; // printable ASCII is its own byte-level char
        }
        int byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rentedBytes = null;
        char[]? rentedChars = null;
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[256] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
        Span<char> chars = byteCount <= 256 ? stackalloc char[256] : (rentedChars = ArrayPool<char>.Shared.Rent(byteCount));
        int written = Encoding.UTF8.GetBytes(text, bytes);
        for (int k = 0; k < written; k++)
        {
            chars[k] = ByteLevelAlphabet.ByteToChar[bytes[k]];
        }
        string result = new(chars[..written]);
        if (rentedBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(rentedBytes);
            ArrayPool<char>.Shared.Return(rentedChars!);
        }
        return result;
    }
}
