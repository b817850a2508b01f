using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary>Rewrites a piece one Unicode scalar at a time: each scalar becomes zero or more chars that align to it.
/// The base of <c>Lowercase</c>, <c>StripAccents</c> and the per-char parts of <c>BertNormalizer</c>.</summary>
internal abstract class CharMapNormalizer : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        if (!text.TracksAlignment)
        {
            NormalizeUntracked(text);
            return;
        }
        string source = text.Text;
        var builder = text.NewBuilder(source.Length + 8);
        Span<char> output = stackalloc char[8];
        bool changed = false;
        for (int i = 0; i < source.Length;)
        {
            Rune rune = Rune.GetRuneAt(source, i);
            int width = rune.Utf16SequenceLength;
            int start = text.Starts[i];
            int end = text.Ends[i + width - 1];
            int written = Map(rune, output);
            if (written != width || !output[..written].SequenceEqual(source.AsSpan(i, width)))
            {
                changed = true;
            }
            for (int k = 0; k < written; k++)
            {
                builder.Append(output[k], start, end);
            }
            i += width;
        }
        if (changed)
        {
            text.Replace(builder);
        }
    }

    /// <summary>The same mapping without alignment: unchanged runs are copied as spans, and nothing is built when no
    /// scalar changes.</summary>
    private void NormalizeUntracked(NormalizedText text)
    {
        string source = text.Text;
        StringBuilder? result = null;
        Span<char> output = stackalloc char[8];
        int copied = 0;
        for (int i = 0; i < source.Length;)
        {
            Rune rune = Rune.GetRuneAt(source, i);
            int width = rune.Utf16SequenceLength;
            int written = Map(rune, output);
            if (written != width || !output[..written].SequenceEqual(source.AsSpan(i, width)))
            {
                result ??= new StringBuilder(source.Length + 8);
                result.Append(source, copied, i - copied).Append(output[..written]);
                copied = i + width;
            }
            i += width;
        }
        if (result is not null)
        {
            text.ReplaceUntracked(result.Append(source, copied, source.Length - copied).ToString());
        }
    }

    /// <summary>Writes what <paramref name="rune"/> becomes into <paramref name="output"/> (at most 8 chars) and
    /// returns how many chars were written.</summary>
    protected abstract int Map(Rune rune, Span<char> output);
}
