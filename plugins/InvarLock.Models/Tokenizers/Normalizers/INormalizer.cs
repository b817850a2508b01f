using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary>One step of a <c>tokenizer.json</c> <c>normalizer</c>: rewrites a piece of text in place, keeping each
/// char's alignment to the original input.</summary>
internal interface INormalizer
{
    void Normalize(NormalizedText text);
}
