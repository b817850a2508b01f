using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Sequence</c>: applies each normalizer in turn.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> steps) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        foreach (var step in steps)
        {
            step.Normalize(text);
        }
    }
}
