using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>Hugging Face's <c>NormalizedString::split</c>: cuts a piece at a pattern's matches and applies a
/// <see cref="SplitBehavior"/>, with <c>invert</c> swapping matches and the text between them. Empty pieces are
/// dropped after the behavior has been applied.</summary>
internal static class PieceSplitter
{
    /// <summary>Scratch lists, one set per thread, so that splitting a piece allocates only its slices.</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The largest scratch list kept for the next split; a larger one (a multi-MB piece) is let go.</summary>
    private const int MaxKeptScratch = 1 << 16;

    public static void Split(NormalizedText piece, SplitPattern pattern, SplitBehavior behavior, bool invert, List<NormalizedText> output)
    {
        var scratch = t_scratch ??= new Scratch();
        Split(piece, pattern, behavior, invert, output, scratch);
        if (scratch.Matches.Capacity > MaxKeptScratch || scratch.Segments.Capacity > MaxKeptScratch || scratch.Kept.Capacity > MaxKeptScratch)
        {
            t_scratch = null;
        }
    }

    private static void Split(NormalizedText piece, SplitPattern pattern, SplitBehavior behavior, bool invert, List<NormalizedText> output,
        Scratch scratch)
    {
        string text = piece.Text;
        if (text.Length == 0)
        {
            return;
        }
        var matches = scratch.Matches;
        var segments = scratch.Segments;
        var kept = scratch.Kept;
        matches.Clear();
        segments.Clear();
        kept.Clear();
        pattern.Matches(text, matches);
        int previous = 0;
        foreach (var (start, end) in matches)
        {
            if (previous != start)
            {
                segments.Add((previous, start, invert));
            }
            segments.Add((start, end, !invert));
            previous = end;
        }
        if (previous != text.Length)
        {
            segments.Add((previous, text.Length, invert));
        }

        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in segments)
                {
                    kept.Add((s.Start, s.End));
                }
                break;
            case SplitBehavior.Removed:
                foreach (var s in segments)
                {
                    if (!s.IsMatch)
                    {
                        kept.Add((s.Start, s.End));
                    }
                }
                break;
            case SplitBehavior.MergedWithPrevious:
            {
                bool previousMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previousMatch && kept.Count > 0)
                    {
                        kept[^1] = (kept[^1].Start, s.End);
                    }
                    else
                    {
                        kept.Add((s.Start, s.End));
                    }
                    previousMatch = s.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                bool previousMatch = false;
                for (int i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !previousMatch && kept.Count > 0)
                    {
                        kept[^1] = (s.Start, kept[^1].End);
                    }
                    else
                    {
                        kept.Add((s.Start, s.End));
                    }
                    previousMatch = s.IsMatch;
                }
                kept.Reverse();
                break;
            }
            case SplitBehavior.Contiguous:
            {
                bool previousMatch = false;
                foreach (var s in segments)
                {
                    if (s.IsMatch == previousMatch && kept.Count > 0)
                    {
                        kept[^1] = (kept[^1].Start, s.End);
                    }
                    else
                    {
                        kept.Add((s.Start, s.End));
                    }
                    previousMatch = s.IsMatch;
                }
                break;
            }
        }
        if (kept.Count == 1 && kept[0].Start == 0 && kept[0].End == text.Length)
        {
            output.Add(piece);
            return;
        }
        foreach (var (start, end) in kept)
        {
            if (end > start)
            {
                output.Add(piece.Slice(start, end));
            }
        }
    }

    private sealed class Scratch
    {
        public List<(int Start, int End)> Matches { get; } = [];

        public List<(int Start, int End, bool IsMatch)> Segments { get; } = [];

        public List<(int Start, int End)> Kept { get; } = [];
    }

    /// <summary>Applies <see cref="Split"/> to every piece of <paramref name="pieces"/>.</summary>
    public static void SplitAll(List<NormalizedText> pieces, SplitPattern pattern, SplitBehavior behavior, bool invert)
    {
        var output = new List<NormalizedText>(pieces.Count * 2);
        foreach (var piece in pieces)
        {
            Split(piece, pattern, behavior, invert, output);
        }
        pieces.Clear();
        pieces.AddRange(output);
    }
}
