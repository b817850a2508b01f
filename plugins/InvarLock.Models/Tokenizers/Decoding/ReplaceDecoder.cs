using InvarLock.Models.Tokenizers.Normalizers;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>Replace</c>: the <c>Replace</c> normalizer applied to each token.</summary>
internal sealed class ReplaceDecoder(ReplaceNormalizer replace) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            var text = NormalizedText.FromOriginal(tokens[i], 0);
            replace.Normalize(text);
            tokens[i] = text.Text;
        }
    }
}
