using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>Sequence</c> (and <c>BertPreTokenizer</c>): each pre-tokenizer in turn, over all pieces.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public void PreTokenize(List<NormalizedText> pieces)
    {
        foreach (var step in steps)
        {
            step.PreTokenize(pieces);
        }
    }
}
