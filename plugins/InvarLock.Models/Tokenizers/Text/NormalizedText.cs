using System.Text;

namespace InvarLock.Models.Tokenizers.Text;

/// <summary>A piece of text on its way through a tokenizer's normalizers and pre-tokenizers, with, for each UTF-16
/// char, the range of the original input it came from (Hugging Face's <c>NormalizedString</c>). Inserted chars align
/// to the original char they were inserted at; a char that replaces several aligns to their whole range.
/// <para><b>Alignment is optional.</b> A piece made with <c>trackAlignment: false</c> (the ids-only path of
/// <see cref="HuggingFaceTokenizer.Encode"/>) keeps no per-char arrays: <see cref="Starts"/> and <see cref="Ends"/>
/// read as zeros, <see cref="Builder.Append(char, int, int)"/> ignores the ranges it is given and <see cref="Slice"/>
/// copies only the text. Components are written once and work in both modes; only the offsets they report differ
/// (they are zero untracked).</para></summary>
internal sealed class NormalizedText
{
    private static int[] s_zeros = new int[256];

    private int[]? _starts;
    private int[]? _ends;

    private NormalizedText(string text, int[]? starts, int[]? ends, int originalStart, int originalEnd)
    {
        Text = text;
        _starts = starts;
        _ends = ends;
        OriginalStart = originalStart;
        OriginalEnd = originalEnd;
    }

    /// <summary>The current text.</summary>
    public string Text { get; private set; }

    /// <summary>Whether this piece keeps the original range of each char.</summary>
    public bool TracksAlignment => _starts is not null;

    /// <summary>For each char of <see cref="Text"/>, where its original range starts (zeros when
    /// <see cref="TracksAlignment"/> is false).</summary>
    public int[] Starts => _starts ?? Zeros(Text.Length);

    /// <summary>For each char of <see cref="Text"/>, where its original range ends, exclusive (zeros when
    /// <see cref="TracksAlignment"/> is false).</summary>
    public int[] Ends => _ends ?? Zeros(Text.Length);

    /// <summary>Where in the original input this piece starts (kept when the piece becomes empty); -1 for an
    /// untracked slice that does not start where its piece starts.</summary>
    public int OriginalStart { get; private set; }

    /// <summary>Where in the original input this piece ends.</summary>
    public int OriginalEnd { get; private set; }

    public int Length => Text.Length;

    /// <summary>A piece holding <paramref name="text"/> exactly, chars aligned one to one from <paramref name="offset"/>.</summary>
    public static NormalizedText FromOriginal(string text, int offset, bool trackAlignment = true)
    {
        if (!trackAlignment)
        {
            return new NormalizedText(text, null, null, offset, offset + text.Length);
        }
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
        if (_starts is null || _ends is null)
        {
            // Untracked, a slice's origin is only known when it starts where its piece starts; otherwise it is -1
            // (unknown). Pipelines whose pre-tokenizers read the origin of slices track alignment
            // (IPreTokenizer.NeedsAlignment).
            int untrackedStart = start == 0 ? OriginalStart : -1;
            return new NormalizedText(Text[start..end], null, null, untrackedStart, untrackedStart);
        }
        int originalStart = start < Length ? _starts[start] : (Length > 0 ? _ends[Length - 1] : OriginalEnd);
        int originalEnd = end > start ? _ends[end - 1] : originalStart;
        return new NormalizedText(Text[start..end], _starts[start..end], _ends[start..end], originalStart, originalEnd);
    }

    /// <summary>Inserts <paramref name="prefix"/> before the first char; its chars align to the first char's origin.</summary>
    public void Prepend(string prefix)
    {
        if (prefix.Length == 0)
        {
            return;
        }
        if (_starts is null)
        {
            Text = string.Concat(prefix, Text);
            return;
        }
        int s = Length > 0 ? Starts[0] : OriginalStart;
        int e = Length > 0 ? Ends[0] : OriginalStart;
        var builder = new Builder(Length + prefix.Length, trackAlignment: true);
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

    /// <summary>A builder for new content of this piece, tracking alignment when the piece does.</summary>
    public Builder NewBuilder(int capacity) => new(capacity, TracksAlignment);

    /// <summary>Replaces the content with what <paramref name="builder"/> holds.</summary>
    public void Replace(Builder builder)
    {
        Text = builder.Text.ToString();
        if (_starts is not null)
        {
            _starts = builder.Starts.ToArray();
            _ends = builder.Ends.ToArray();
        }
    }

    /// <summary>Replaces the content with <paramref name="text"/>; only for a piece that does not track alignment.</summary>
    public void ReplaceUntracked(string text)
    {
        if (_starts is not null)
        {
            throw new InvalidOperationException("ReplaceUntracked on a piece that tracks alignment.");
        }
        Text = text;
    }

    private static int[] Zeros(int length)
    {
        int[] zeros = Volatile.Read(ref s_zeros);
        if (zeros.Length < length)
        {
            // Never written, so threads may share it; a racing thread at worst allocates its own.
            zeros = new int[Math.Max(length, zeros.Length * 2)];
            Volatile.Write(ref s_zeros, zeros);
        }
        return zeros;
    }

    /// <summary>Collects chars with their original ranges, to replace a piece's content (the ranges are dropped when
    /// the builder does not track alignment). Make one with <see cref="NewBuilder"/>.</summary>
    internal sealed class Builder(int capacity, bool trackAlignment)
    {
        public StringBuilder Text { get; } = new(capacity);

        public List<int> Starts { get; } = trackAlignment ? new(capacity) : [];

        public List<int> Ends { get; } = trackAlignment ? new(capacity) : [];

        public void Append(char c, int start, int end)
        {
            Text.Append(c);
            if (trackAlignment)
            {
                Starts.Add(start);
                Ends.Add(end);
            }
        }

        public void Append(ReadOnlySpan<char> chars, int start, int end)
        {
            if (!trackAlignment)
            {
                Text.Append(chars);
                return;
            }
            foreach (char c in chars)
            {
                Append(c, start, end);
            }
        }
    }
}
