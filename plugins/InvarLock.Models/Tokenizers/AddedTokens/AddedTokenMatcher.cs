using System.Buffers;
using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.AddedTokens;

/// <summary>Finds added tokens in text as Hugging Face's <c>AddedVocabulary::find_matches</c> does: leftmost-longest,
/// non-overlapping matches of all contents (a trie stands in for Aho-Corasick), then per token <c>single_word</c>,
/// <c>lstrip</c> and <c>rstrip</c>. A match of a special token that is not wanted is skipped without rescanning its
/// text, as Hugging Face does with <c>encode_special_tokens</c>.</summary>
internal sealed class AddedTokenMatcher
{
    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public AddedToken? Token;
    }

    private readonly Node _root = new();
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
    {
        foreach (var (pattern, token) in patterns)
        {
            if (pattern.Length == 0)
            {
                continue;
            }
            Node node = _root;
            foreach (char c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children.Add(c, child);
                }
                node = child;
            }
            node.Token ??= token; // the first of identical patterns wins, as in Aho-Corasick
        }
        IsEmpty = _root.Children is null;
        _firstChars = SearchValues.Create(IsEmpty ? [] : [.. _root.Children!.Keys]);
    }

    public bool IsEmpty { get; }

    /// <summary>Splits <paramref name="text"/> into [start, end) ranges, each with the added token it is, or null.</summary>
    public List<(int Start, int End, AddedToken? Token)> Split(string text, bool matchSpecial)
    {
        var splits = new List<(int, int, AddedToken?)>();
        if (IsEmpty || text.Length == 0)
        {
            splits.Add((0, text.Length, null));
            return splits;
        }
        int startOffset = 0;
        int position = 0;
        while (position < text.Length)
        {
            var (matchEnd, token) = LongestAt(text, position);
            if (token is null)
            {
                // No match can start before the next char that starts some content.
                int skip = text.AsSpan(position + 1).IndexOfAny(_firstChars);
                position = skip < 0 ? text.Length : position + 1 + skip;
                continue;
            }
            int start = position;
            int stop = matchEnd;
            position = matchEnd;
            if (token.Special && !matchSpecial)
            {
                continue;
            }
            if (token.SingleWord)
            {
                bool startSpace = start == 0 || !EndsWithWordChar(text, start);
                bool stopSpace = stop == text.Length || !StartsWithWordChar(text, stop);
                if (!startSpace || !stopSpace)
                {
                    continue;
                }
            }
            if (token.Lstrip)
            {
                int newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1]))
                {
                    newStart--;
                }
                start = Math.Max(newStart, startOffset);
            }
            if (token.Rstrip)
            {
                while (stop < text.Length && char.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }
            if (startOffset < start)
            {
                splits.Add((startOffset, start, null));
            }
            splits.Add((start, stop, token));
            startOffset = stop;
        }
        if (startOffset != text.Length)
        {
            splits.Add((startOffset, text.Length, null));
        }
        return splits;
    }

    private (int End, AddedToken? Token) LongestAt(string text, int position)
    {
        Node node = _root;
        int bestEnd = -1;
        AddedToken? best = null;
        for (int i = position; i < text.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[i], out var child))
            {
                break;
            }
            node = child;
            if (node.Token is not null)
            {
                bestEnd = i + 1;
                best = node.Token;
            }
        }
        return (bestEnd, best);
    }

    private static bool EndsWithWordChar(string text, int end)
    {
        int i = end - 1;
        if (char.IsLowSurrogate(text[i]) && i > 0)
        {
            i--;
        }
        return IsWordChar(Rune.GetRuneAt(text, i));
    }

    private static bool StartsWithWordChar(string text, int start) => IsWordChar(Rune.GetRuneAt(text, start));

    private static bool IsWordChar(Rune rune) => rune.Value == '_' || UnicodeClasses.IsAlphanumeric(rune);
}
