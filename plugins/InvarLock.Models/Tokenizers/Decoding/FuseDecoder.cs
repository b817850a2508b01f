namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>Fuse</c>: all tokens joined into one.</summary>
internal sealed class FuseDecoder : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        string joined = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(joined);
    }
}
