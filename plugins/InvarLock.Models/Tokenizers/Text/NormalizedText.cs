using System.Text;

namespace InvarLock.Models.Tokenizers.Text;

/// <summary>A piece of text on its way through a tokenizer's normalizers and pre-tokenizers, with, for each UTF-16
/// char, the range of the original input it came from (Hugging Face's <c>NormalizedString</c>). Inserted chars align
/// to the original char they were inserted at; a char that replaces several aligns to their whole range.</summary>
internal sealed class NormalizedText
{
    private NormalizedText(string text, int[] starts, int[] ends, int originalStart, int originalEnd)
    {
        Text = text;
        Starts = starts;
        Ends = ends;
        OriginalStart = originalStart;
        OriginalEnd = originalEnd;
    }

    /// <summary>The current text.</summary>
    public string Text { get; private set; }

    /// <summary>For each char of <see cref="Text"/>, where its original range starts.</summary>
    public int[] Starts { get; private set; }

    /// <summary>For each char of <see cref="Text"/>, where its original range ends (exclusive).</summary>
    public int[] Ends { get; private set; }

    /// <summary>Where in the original input this piece starts (kept when the piece becomes empty).</summary>
    public int OriginalStart { get; private set; }

    /// <summary>Where in the original input this piece ends.</summary>
    public int OriginalEnd { get; private set; }

    public int Length => Text.Length;

    /// <summary>A piece holding <paramref name="text"/> exactly, chars aligned one to one from <paramref name="offset"/>.</summary>
    public static NormalizedText FromOriginal(string text, int offset)
    {
        var starts = new int[text.Length];
        var ends = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            starts[i] = offset + i;
            ends[i] = offset + i + 1;
        }
        return new NormalizedText(text, starts, ends, offset, offset + text.Length);
    }

    /// <summary>The chars [<paramref name="start"/>, <paramref name="end"/>) as a new piece.</summary>
    public NormalizedText Slice(int start, int end)
    {
        int originalStart = start < Length ? Starts[start] : (Length > 0 ? Ends[Length - 1] : OriginalEnd);
        int originalEnd = end > start ? Ends[end - 1] : originalStart;
        return new NormalizedText(Text[start..end], Starts[start..end], Ends[start..end], originalStart, originalEnd);
    }

    /// <summary>Inserts <paramref name="prefix"/> before the first char; its chars align to the first char's origin.</summary>
    public void Prepend(string prefix)
    {
        if (prefix.Length == 0)
        {
            return;
        }
        int s = Length > 0 ? Starts[0] : OriginalStart;
        int e = Length > 0 ? Ends[0] : OriginalStart;
        var builder = new Builder(Length + prefix.Length);
        foreach (char c in prefix)
        {
            builder.Append(c, s, e);
        }
        for (int i = 0; i < Length; i++)
        {
            builder.Append(Text[i], Starts[i], Ends[i]);
        }
        Replace(builder);
    }

    /// <summary>Replaces the content with what <paramref name="builder"/> holds.</summary>
    public void Replace(Builder builder)
    {
        Text = builder.Text.ToString();
        Starts = builder.Starts.ToArray();
        Ends = builder.Ends.ToArray();
    }

    /// <summary>Collects chars with their original ranges, to replace a piece's content.</summary>
    internal sealed class Builder(int capacity)
    {
        public StringBuilder Text { get; } = new(capacity);

        public List<int> Starts { get; } = new(capacity);

        public List<int> Ends { get; } = new(capacity);

        public void Append(char c, int start, int end)
        {
            Text.Append(c);
            Starts.Add(start);
            Ends.Add(end);
        }

        public void Append(ReadOnlySpan<char> chars, int start, int end)
        {
            foreach (char c in chars)
            {
                Append(c, start, end);
            }
        }
    }
}
