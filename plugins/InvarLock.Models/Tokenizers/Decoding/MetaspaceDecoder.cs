namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>Metaspace</c>: the replacement char becomes a space; the first token loses its leading space unless
/// the prepend scheme is <c>never</c>.</summary>
internal sealed class MetaspaceDecoder(char replacement, bool stripFirst) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i].Replace(replacement, ' ');
            if (i == 0 && stripFirst && t.StartsWith(' '))
            {
                t = t[1..];
            }
            tokens[i] = t;
        }
    }
}
