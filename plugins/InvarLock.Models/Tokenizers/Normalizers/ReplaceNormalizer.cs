using InvarLock.Models.Tokenizers.PreTokenizers;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Replace</c>: every non-overlapping match of a string or regex, left to right, becomes
/// <c>content</c>; the new chars align to the whole matched range.</summary>
internal sealed class ReplaceNormalizer(SplitPattern pattern, string content) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        string s = text.Text;
        if (s.Length == 0)
        {
            return;
        }
        NormalizedText.Builder? builder = null;
        int copied = 0;
        var matches = new List<(int Start, int End)>();
        pattern.Matches(s, matches);
        foreach (var (start, end) in matches)
        {
            if (end == start)
            {
                continue;
            }
            builder ??= text.NewBuilder(s.Length + content.Length);
            for (int i = copied; i < start; i++)
            {
                builder.Append(s[i], text.Starts[i], text.Ends[i]);
            }
            builder.Append(content, text.Starts[start], text.Ends[end - 1]);
            copied = end;
        }
        if (builder is null)
        {
            return;
        }
        for (int i = copied; i < s.Length; i++)
        {
            builder.Append(s[i], text.Starts[i], text.Ends[i]);
        }
        text.Replace(builder);
    }
}
