using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Strip</c>: removes Unicode whitespace from the left and/or right end of the piece.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        string s = text.Text;
        int start = 0;
        int end = s.Length;
        if (left)
        {
            while (start < end && char.IsWhiteSpace(s[start]))
            {
                start++;
            }
        }
        if (right)
        {
            while (end > start && char.IsWhiteSpace(s[end - 1]))
            {
                end--;
            }
        }
        if (start == 0 && end == s.Length)
        {
            return;
        }
        var builder = text.NewBuilder(end - start);
        for (int i = start; i < end; i++)
        {
            builder.Append(s[i], text.Starts[i], text.Ends[i]);
        }
        text.Replace(builder);
    }
}
