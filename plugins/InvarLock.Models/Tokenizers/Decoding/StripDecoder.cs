namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>Strip</c>: removes up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> chars from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            int from = 0;
            while (from < start && from < t.Length && t[from] == content)
            {
                from++;
            }
            int to = t.Length;
            while (t.Length - to < stop && to > from && t[to - 1] == content)
            {
                to--;
            }
            tokens[i] = t[from..to];
        }
    }
}
