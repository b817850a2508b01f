using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>Hugging Face's <c>NormalizedString::split</c>: cuts a piece at a pattern's matches and applies a
/// <see cref="SplitBehavior"/>, with <c>invert</c> swapping matches and the text between them. Empty pieces are
/// dropped after the behavior has been applied.</summary>
internal static class PieceSplitter
{
    public static void Split(NormalizedText piece, SplitPattern pattern, SplitBehavior behavior, bool invert, List<NormalizedText> output)
    {
        string text = piece.Text;
        if (text.Length == 0)
        {
            return;
        }
        var segments = new List<(int Start, int End, bool IsMatch)>();
        int previous = 0;
        foreach (var (start, end) in pattern.Matches(text))
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

        var kept = new List<(int Start, int End)>(segments.Count);
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
