using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Prepend</c>: puts a string before every non-empty piece (SentencePiece's dummy prefix, usually ▁).</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        if (text.Length > 0)
        {
            text.Prepend(prefix);
        }
    }
}
